using ActorSwingSet.Kernel;
using ActorSwingSet.Schema;
using ActorSwingSet.Tests.Support;
using Xunit;
using static ActorSwingSet.Tests.Support.Probe;

namespace ActorSwingSet.Tests.Persistence;

/// <summary>
/// A restored kernel reads the promise table from the committed store as it needs rows, not whole at start: the
/// rows a crank never touches are never read, and a row deleted since the last block is not read back.
/// </summary>
public sealed class LazyRestoreTests
{
    /// <summary>A committed store that records which entities were read one by one.</summary>
    private sealed class CountingKv(KvState inner) : ICommittedKv
    {
        public List<string> EntitiesRead { get; } = [];

        public string? Get(string key) => inner.Get(key);

        public IEnumerable<KeyValuePair<string, string>> ReadEntity(string entity)
        {
            EntitiesRead.Add(entity);
            return inner.ReadEntity(entity);
        }

        public IEnumerable<KeyValuePair<string, string>> ReadRange(string from, string? to, string? glob = null) => inner.ReadRange(from, to, glob);

        public long Count(string from, string? to, string? glob = null) => inner.Count(from, to, glob);
    }

    private static async Task<(SortedDictionary<string, string> State, KernelCore Original)> StateWithHangingPromises(int n)
    {
        var config = Config(new ProbeLog(), "A", "B");
        var k = new KernelCore(new InProcessVatPort(config.Bundles), new KernelOptions(config.Bundles, 2));
        k.Initialize(config.Vats);
        await k.RunAsync();
        for (var i = 0; i < n; i++) k.QueueToVatRoot("A", Call("hang"));
        await k.RunAsync();
        return (await k.DumpAsync(), k);
    }

    private static KernelCore Restored(ICommittedKv state)
    {
        var config = Config(new ProbeLog(), "A", "B");
        return KernelCore.Restore(new InProcessVatPort(config.Bundles), new KernelOptions(config.Bundles, 2), state);
    }

    private static int Promises(IReadOnlyDictionary<string, string> state) =>
        state.Keys.Count(k => k.StartsWith("kp", StringComparison.Ordinal) && k.EndsWith(".state", StringComparison.Ordinal));

    [Fact]
    public async Task A_restored_kernel_reads_no_promise_row_at_start_and_none_a_crank_does_not_touch()
    {
        var (state, original) = await StateWithHangingPromises(20);
        Assert.Equal(20, Promises(state));
        var kv = new CountingKv(KvState.From(state));

        var copy = Restored(kv);
        Assert.DoesNotContain(kv.EntitiesRead, e => e.StartsWith("kp", StringComparison.Ordinal));
        Assert.Equal(20, copy.GetStats().PromiseCount);

        // a message to B creates its own result promise: no committed promise row is needed
        copy.QueueToVatRoot("B", Call("echo"));
        original.QueueToVatRoot("B", Call("echo"));
        await copy.RunAsync();
        await original.RunAsync();
        Assert.DoesNotContain(kv.EntitiesRead, e => e.StartsWith("kp", StringComparison.Ordinal));
        Assert.Equal(original.GetStats().PromiseCount, copy.GetStats().PromiseCount);
        Assert.Equal(Promises(await original.DumpAsync()), copy.GetStats().PromiseCount);

        // the dump walks the whole table, reading each committed row once
        Assert.Empty(KernelStateDump.Diff(await original.DumpAsync(), await copy.DumpAsync()));
        Assert.Equal(20, kv.EntitiesRead.Count(e => e.StartsWith("kp", StringComparison.Ordinal)));
        await AssertAuditClean(copy);
    }

    [Fact]
    public async Task A_promise_deleted_after_the_restore_stays_deleted_though_the_committed_store_still_has_it()
    {
        var (state, original) = await StateWithHangingPromises(3);
        var kv = new CountingKv(KvState.From(state));
        var copy = Restored(kv);
        var held = state.Keys.Where(k => k.StartsWith("kp", StringComparison.Ordinal) && k.EndsWith(".state", StringComparison.Ordinal))
            .Select(k => Kref.Parse(k[..^".state".Length])).ToList();

        // A is terminated: every promise it decides is rejected; the host lets go of them and they are collected
        foreach (var k in new[] { original, copy })
        {
            k.QueueTerminateVat("A", true, KCapData.Of(SmallCaps.Error("done")));
            await k.RunAsync();
            foreach (var kp in held) k.ReleasePromise(kp);
            await k.RunAsync();
        }

        Assert.All(held, kp => Assert.False(copy.Keeper.PromiseExists(kp), $"{kp} came back from the committed store"));
        Assert.All(held, kp => Assert.Contains(KvKeys.PromiseState(kp.Id), state.Keys));
        var dump = await copy.DumpAsync();
        Assert.Equal(Promises(dump), copy.GetStats().PromiseCount);
        Assert.Empty(KernelStateDump.Diff(await original.DumpAsync(), dump));
        await AssertAuditClean(copy);
    }
}
