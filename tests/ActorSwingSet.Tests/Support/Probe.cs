using ActorSwingSet.Kernel;
using Xunit;

namespace ActorSwingSet.Tests.Support;

/// <summary>Kernel set-ups shared by scenario tests.</summary>
public static class Probe
{
    /// <summary>
    /// Static probe vats, one per name, each with bundles "probe:NAME" (incarnation tag 0), "probe-v2:NAME" (1),
    /// "probe-v3:NAME" (2) and "probe-broken:NAME" (startVat throws), recording under NAME.
    /// </summary>
    public static KernelConfig Config(ProbeLog log, params string[] vatNames)
    {
        var bundles = new VatBundleRegistry();
        foreach (var n in vatNames)
        {
            bundles.Register("probe:" + n, () => new ProbeVat(log, n));
            bundles.Register("probe-v2:" + n, () => new ProbeVat(log, n, 1));
            bundles.Register("probe-v3:" + n, () => new ProbeVat(log, n, 2));
            bundles.Register("probe-broken:" + n, () => new ProbeVat(log, n, 9) { FailStart = true });
        }
        return new KernelConfig
        {
            Bundles = bundles,
            Vats = [.. vatNames.Select(n => new StaticVatConfig(n, "probe:" + n))],
            ReapInterval = 0,
        };
    }

    public static KCapData Call(string method, params object?[] args) => KCapData.Of(SmallCaps.Methargs(method, args));

    /// <summary>methargs whose arguments are the given krefs (as remotables or promises).</summary>
    public static KCapData CallWith(string method, params Kref[] refs) =>
        KCapData.Of(SmallCaps.Methargs(method, [.. refs.Select((k, i) => (object?)new SlotRef(i, k.IsPromise, k.IsPromise ? null : "ref"))]), refs);

    /// <summary>methargs for a probe vat's <c>ping(target, count)</c>: it asks <paramref name="target"/> to echo, count times.</summary>
    public static KCapData Ping(Kref target, int count) =>
        KCapData.Of(SmallCaps.Methargs("ping", new SlotRef(0, false, "ref"), count), target);

    public static async Task AssertAuditClean(SwingSetController c)
    {
        var report = await c.AuditAsync();
        Assert.True(report.IsClean, report.ToString());
    }

    internal static async Task AssertAuditClean(KernelCore k)
    {
        var report = KernelAudit.Run(await k.DumpAsync());
        Assert.True(report.IsClean, report.ToString());
    }

    /// <summary>
    /// Releases every reference this host session holds, as a host that is done with its results does. A kernel that
    /// starts again from storage releases an earlier session's holds itself, so a test that compares the state before
    /// and after a restart lets go of them first.
    /// </summary>
    public static async Task ReleaseHostHeldAsync(SwingSetController c)
    {
        if (!(await c.DumpAsync()).TryGetValue("kernel.hostRefs", out var json)) return;
        foreach (var (_, kref, n) in Kernel.State.HostRefsJson.Read(json))
            for (var i = 0; i < n; i++) await c.ReleasePromiseAsync(Kref.Parse(kref));
    }

    public static IEnumerable<string> KeysFor(IReadOnlyDictionary<string, string> dump, Kref kpid) =>
        dump.Keys.Where(k => k.StartsWith(kpid + ".", StringComparison.Ordinal));

    /// <summary>The kref a vat's c-list maps a vref to, from a dump.</summary>
    public static string? CList(IReadOnlyDictionary<string, string> dump, string vatId, string slot) =>
        dump.TryGetValue($"{vatId}.c.{slot}", out var v) ? v : null;
}
