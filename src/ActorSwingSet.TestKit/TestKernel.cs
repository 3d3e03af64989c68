using System.Globalization;
using Xunit.Sdk;

namespace ActorSwingSet.TestKit;

/// <summary>
/// An in-memory kernel started by <see cref="SwingSetTestKit.StartKernelAsync"/>, with what a test needs to drive
/// it (queue, call, step, run, upgrade) and to look inside it (promises, c-lists, vatstores, the kvStore dump, the
/// audit). Vats are named by their static name or their vat ID. Anything else is on <see cref="Controller"/>.
/// </summary>
public sealed class TestKernel
{
    private readonly long _crankLimit;

    internal TestKernel(SwingSetController controller, string name, long crankLimit)
    {
        Controller = controller;
        Name = name;
        _crankLimit = crankLimit;
    }

    /// <summary>The kernel actor's name in the test's ActorSystem.</summary>
    public string Name { get; }

    /// <summary>The host API of the kernel, for what this class does not wrap (dynamic vats, termination, stats...).</summary>
    public SwingSetController Controller { get; }

    /// <summary>Queues <c>method(...args)</c> to a vat's root object and returns the result promise; nothing runs yet.</summary>
    /// <remarks>Any <see cref="Kref"/> in <paramref name="args"/>, also inside lists and records, passes as a reference.</remarks>
    public Task<Kref> QueueAsync(string vat, string method, params object?[] args) => Controller.QueueToVatRootAsync(vat, method, args);

    /// <summary>Queues <c>method(...args)</c> to an object or promise and returns the result promise; nothing runs yet.</summary>
    /// <remarks>Any <see cref="Kref"/> in <paramref name="args"/>, also inside lists and records, passes as a reference.</remarks>
    public Task<Kref> QueueAsync(Kref target, string method, params object?[] args) => Controller.QueueToKrefAsync(target, method, args);

    /// <summary>
    /// Queues <c>method(...args)</c> to a vat's root object, runs the kernel to quiescence and returns the result
    /// promise as it then stands. The host keeps holding the promise, so what it resolved to stays alive for later
    /// calls; <see cref="ReleaseAsync"/> lets it go.
    /// </summary>
    public async Task<CallResult> CallAsync(string vat, string method, params object?[] args)
    {
        var result = await QueueAsync(vat, method, args).ConfigureAwait(false);
        return await SettleAsync(Describe(vat, method, args), result).ConfigureAwait(false);
    }

    /// <summary>Like <see cref="CallAsync(string, string, object[])"/>, to an object or promise.</summary>
    public async Task<CallResult> CallAsync(Kref target, string method, params object?[] args)
    {
        var result = await QueueAsync(target, method, args).ConfigureAwait(false);
        return await SettleAsync(Describe(target.ToString(), method, args), result).ConfigureAwait(false);
    }

    /// <summary>Calls a vat's root object and returns the fulfilment as <typeparamref name="T"/>; fails the test if the call is not fulfilled.</summary>
    public async Task<T> CallAsync<T>(string vat, string method, params object?[] args) =>
        (await CallAsync(vat, method, args).ConfigureAwait(false)).AssertFulfilled<T>();

    /// <summary>Calls an object or promise and returns the fulfilment as <typeparamref name="T"/>; fails the test if the call is not fulfilled.</summary>
    public async Task<T> CallAsync<T>(Kref target, string method, params object?[] args) =>
        (await CallAsync(target, method, args).ConfigureAwait(false)).AssertFulfilled<T>();

    private async Task<CallResult> SettleAsync(string call, Kref result)
    {
        await RunToQuiescenceAsync().ConfigureAwait(false);
        return new CallResult(call, await Controller.GetPromiseAsync(result).ConfigureAwait(false));
    }

    private static string Describe(string target, string method, object?[] args) =>
        $"{target}.{method}({string.Join(", ", args.Select(Passable.Format))})";

    /// <summary>
    /// Runs cranks until the queues are empty and returns how many ran. Fails the test if the kernel is still busy
    /// after the builder's <see cref="TestKernelBuilder.CrankLimit"/>.
    /// </summary>
    public async Task<long> RunToQuiescenceAsync()
    {
        var ran = await Controller.RunAsync(_crankLimit).ConfigureAwait(false);
        if (ran == _crankLimit && await Controller.StepAsync().ConfigureAwait(false))
            throw new XunitException($"kernel {Name} did not go quiet within {_crankLimit} cranks (raise it with TestKernelBuilder.CrankLimit if that is expected)");
        return ran;
    }

    /// <summary>Runs at most <paramref name="maxCranks"/> cranks, fewer if the queues empty first; returns how many ran.</summary>
    public Task<long> RunAsync(long maxCranks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCranks, 1);
        return Controller.RunAsync(maxCranks);
    }

    /// <summary>Runs exactly one crank if there is work; returns whether it did.</summary>
    public Task<bool> StepAsync() => Controller.StepAsync();

    /// <summary>
    /// Upgrades <paramref name="vat"/> to <paramref name="bundleName"/> and runs the kernel to quiescence. A failed
    /// upgrade does not fail the test: the result says so (<see cref="UpgradeResult.AssertFailed"/>), and the old
    /// incarnation keeps running. The upgrade's promise is released once read.
    /// </summary>
    public async Task<UpgradeResult> UpgradeAsync(string vat, string bundleName, object? vatParameters = null, string upgradeMessage = "vat upgraded")
    {
        var parameters = vatParameters is null ? null : HostValues.Encode(vatParameters);
        var promise = await Controller.UpgradeVatAsync(vat, bundleName, parameters, upgradeMessage).ConfigureAwait(false);
        await RunToQuiescenceAsync().ConfigureAwait(false);
        var status = await Controller.GetPromiseAsync(promise).ConfigureAwait(false);
        await Controller.ReleasePromiseAsync(promise).ConfigureAwait(false);
        return new UpgradeResult(vat, bundleName, status.State, status.Resolution);
    }

    /// <summary>A promise's row: state, decider, subscribers, queue, and <see cref="PromiseStatus.Resolution"/> (decoded, references as <see cref="Kref"/>s).</summary>
    public Task<PromiseStatus> PromiseAsync(Kref kpid) => Controller.GetPromiseAsync(kpid);

    /// <summary>Lets go of a promise the host holds (a call's result); it is collected once nothing else refers to it.</summary>
    public Task ReleaseAsync(Kref kpid) => Controller.ReleasePromiseAsync(kpid);

    /// <summary>What the kernel knows about a vat: its ID, bundle, whether it is alive, its root.</summary>
    public Task<VatInfo> VatAsync(string vat) => Controller.GetVatInfoAsync(vat);

    /// <summary>A vat's root object.</summary>
    public async Task<Kref> RootAsync(string vat) => (await VatAsync(vat).ConfigureAwait(false)).Root;

    /// <summary>A live vat's incarnation number: 0 until its first successful upgrade.</summary>
    public async Task<long> IncarnationAsync(string vat)
    {
        var id = (await VatAsync(vat).ConfigureAwait(false)).VatId;
        var dump = await DumpAsync().ConfigureAwait(false);
        return dump.TryGetValue(id + ".incarnationNumber", out var number)
            ? long.Parse(number, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"vat {vat} ({id}) has no incarnation: it was terminated");
    }

    /// <summary>A vat's c-list, in kref order.</summary>
    public async Task<IReadOnlyList<CListEntry>> CListAsync(string vat)
    {
        var prefix = (await VatAsync(vat).ConfigureAwait(false)).VatId + ".c.";
        var entries = new List<CListEntry>();
        foreach (var (key, value) in await DumpAsync().ConfigureAwait(false))
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal) || !Kref.TryParse(key[prefix.Length..], out var kref)) continue;
            entries.Add(new CListEntry(kref, value[2..], value[0] == 'R'));
        }
        entries.Sort((a, b) => a.Kref.CompareTo(b.Kref));
        return entries;
    }

    /// <summary>A vat's vatstore: its keys (without the <c>vN.vs.</c> prefix of the dump) and values, in key order.</summary>
    public async Task<IReadOnlyDictionary<string, string>> VatstoreAsync(string vat)
    {
        var prefix = (await VatAsync(vat).ConfigureAwait(false)).VatId + ".vs.";
        var store = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in await DumpAsync().ConfigureAwait(false))
            if (key.StartsWith(prefix, StringComparison.Ordinal)) store[key[prefix.Length..]] = value;
        return store;
    }

    /// <summary>The whole kernel state in SwingSet's kvStore schema, sorted by key (compare two with <see cref="KvDiff"/>).</summary>
    public Task<IReadOnlyDictionary<string, string>> DumpAsync() => Controller.DumpAsync();

    /// <summary>The kernel's counters and queue lengths.</summary>
    public Task<KernelStats> StatsAsync() => Controller.GetStatsAsync();

    /// <summary>Recounts every reference and checks the kernel invariants (what the base class does after each test).</summary>
    public Task<AuditReport> AuditAsync() => Controller.AuditAsync();

    /// <summary>Runs the audit now and fails the test with its report if it finds anything.</summary>
    public async Task AssertAuditCleanAsync() => SwingSetAssert.AuditClean(await AuditAsync().ConfigureAwait(false));
}

/// <summary>One c-list entry of a vat.</summary>
/// <param name="Kref">The kernel's reference.</param>
/// <param name="Vref">The vat's reference: <c>o+...</c> or <c>p+...</c> for what the vat exports, <c>o-N</c> or <c>p-N</c> for what it imports.</param>
/// <param name="Reachable">The entry's reachable flag: false when the vat can only recognize the object, no longer reach it.</param>
public sealed record CListEntry(Kref Kref, string Vref, bool Reachable);
