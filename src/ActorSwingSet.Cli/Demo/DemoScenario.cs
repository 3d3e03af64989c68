using ActorSwingSet.Audit;
using ActorSwingSet.Controller;
using ActorSwingSet.Kernel;
using ActorSwingSet.Marshal;
using ActorSwingSet.References;
using ActorSwingSet.Vat;

namespace ActorSwingSet.Cli.Demo;

/// <summary>What the demo did and found.</summary>
public sealed record DemoResult(KernelStats Stats, AuditReport Audit, IReadOnlyDictionary<string, string> Dump, int Upgrades, TimeSpan Elapsed, bool Continued, long CranksThisRun);

/// <summary>
/// The built-in scenario: a ring of vats relaying messages whose result promises chain back, then several
/// upgrades of vats that hold every promise shape the upgrade rule cares about, then a final audit.
/// Deterministic: the same options give byte-identical dumps.
/// </summary>
public static class DemoScenario
{
    public static VatBundleRegistry Bundles() => new VatBundleRegistry()
        .Register("demo-v1", () => new DemoVat(1))
        .Register("demo-v2", () => new DemoVat(2));

    /// <summary>
    /// Runs the scenario. On a kernel recovered from storage (its ring already linked) it goes on from there: more
    /// relays and another round of upgrades, so each run adds an incarnation to the upgraded vats.
    /// </summary>
    public static async Task<DemoResult> RunAsync(SwingSetController c, int vats, int hops, int upgrades, IProgress<string>? progress = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var before = await c.GetStatsAsync();
        var continued = before.CrankNumber > 0;
        if (continued) vats = (int)before.LiveVats;
        var names = Enumerable.Range(0, vats).Select(Name).ToArray();
        await c.RunAsync(); // startVat for every static vat, or what a previous run left queued
        var hostHeld = new List<Kref>();

        if (continued)
        {
            progress?.Report($"continuing a stored kernel of {vats} vats from crank {before.CrankNumber}");
        }
        else
        {
            progress?.Report($"linking {vats} vats into a ring");
            var roots = new Kref[vats];
            for (var i = 0; i < vats; i++) roots[i] = (await c.GetVatInfoAsync(names[i])).Root;
            for (var i = 0; i < vats; i++)
                hostHeld.Add(await c.QueueToVatRootAsync(names[i], KCapData.Of(SmallCaps.Methargs("link", new SlotRef(0, false, "vat")), roots[(i + 1) % vats])));
            await c.RunAsync();
        }

        progress?.Report($"relaying {vats} messages {hops} hops each");
        for (var i = 0; i < vats; i++) hostHeld.Add(await c.QueueToVatRootAsync(names[i], "relay", hops));
        await c.RunAsync();

        var upgraded = Enumerable.Range(0, Math.Min(upgrades, vats)).Select(i => names[i * Math.Max(1, vats / Math.Max(1, upgrades)) % vats]).Distinct().ToArray();
        progress?.Report($"preparing {upgraded.Length} vats for upgrade");
        foreach (var name in upgraded)
        {
            var previous = Previous(names, name);
            hostHeld.Add(await c.QueueToVatRootAsync(name, "hang"));         // an unresolved promise it decides
            hostHeld.Add(await c.QueueToVatRootAsync(name, "selfWatch"));    // a self-subscribed promise
            hostHeld.Add(await c.QueueToVatRootAsync(previous, "offer"));    // the previous vat decides a promise `name` holds
            await c.RunAsync();
            hostHeld.Add(await c.QueueToVatRootAsync(name, "sendToHeld")); // a promise of `name` queued on it
            await c.RunAsync();
        }

        progress?.Report($"upgrading {upgraded.Length} vats");
        foreach (var name in upgraded)
            hostHeld.Add(await c.UpgradeVatAsync(name, "demo-v2", upgradeMessage: $"demo upgrade of {name}"));
        await c.RunAsync();

        progress?.Report("withdrawing offers and releasing host-held promises");
        foreach (var name in upgraded) hostHeld.Add(await c.QueueToVatRootAsync(Previous(names, name), "settleOffered"));
        await c.RunAsync();
        foreach (var kp in hostHeld) await c.ReleasePromiseAsync(kp);
        await c.RunAsync();

        var stats = await c.GetStatsAsync();
        var dump = await c.DumpAsync();
        var audit = KernelAudit.Run(dump);
        return new DemoResult(stats, audit, dump, upgraded.Length, clock.Elapsed, continued, stats.CrankNumber - before.CrankNumber);
    }

    private static string Previous(string[] names, string name) => names[(Array.IndexOf(names, name) + names.Length - 1) % names.Length];

    public static string Name(int i) => "node" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);

    public static KernelConfig Config(int vats) => new()
    {
        Bundles = Bundles(),
        Vats = [.. Enumerable.Range(0, vats).Select(i => new StaticVatConfig(Name(i), "demo-v1"))],
        ReapInterval = 0,
    };
}
