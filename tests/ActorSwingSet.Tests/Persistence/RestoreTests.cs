using ActorSwingSet.Kernel;
using ActorSwingSet.Tests.Support;
using Xunit;
using static ActorSwingSet.Tests.Support.Probe;

namespace ActorSwingSet.Tests.Persistence;

/// <summary>A kernel rebuilt from its kvStore-schema state is the same kernel: same dump, same future.</summary>
public sealed class RestoreTests
{
    private static KernelCore Fresh(ProbeLog log, bool legacy, params string[] vats)
    {
        var config = Config(log, vats);
        var k = new KernelCore(new InProcessVatPort(config.Bundles), new KernelOptions(config.Bundles, 2, legacy));
        k.Initialize(config.Vats);
        return k;
    }

    private static KernelCore Restored(ProbeLog log, bool legacy, IReadOnlyDictionary<string, string> state, params string[] vats)
    {
        var config = Config(log, vats);
        return KernelCore.Restore(new InProcessVatPort(config.Bundles), new KernelOptions(config.Bundles, 2, legacy), state);
    }

    private static async Task Busy(KernelCore k)
    {
        var b = k.GetVatInfo("B").Root;
        var a = k.GetVatInfo("A").Root;
        k.QueueToVatRoot("A", CallWith("makeAndSend", b));
        k.QueueToVatRoot("C", CallWith("makeAndSend", a));
        k.QueueToVatRoot("A", Call("selfWatch"));
        k.QueueToVatRoot("A", Call("hang"));
        var exported = k.QueueToVatRoot("A", Call("exportObject"));
        await k.RunAsync(3); // stop mid-way: queues, promise queues and GC actions all hold something
        await k.RunAsync();
        k.QueueToVatRoot("B", CallWith("keep", k.GetPromise(exported).Data!.Slots[0]));
        k.QueueToVatRoot("A", Call("sendToHeld"));
        k.QueueUpgradeVat("A", "probe-v2:A", null, "restore test");
        await k.RunAsync(7);
    }

    private static async Task More(KernelCore k)
    {
        k.QueueToVatRoot("B", Call("dropKept"));
        k.QueueToVatRoot("C", Call("settleMade", true));
        k.QueueTerminateVat("B", true, KCapData.Of(SmallCaps.Error("done")));
        await k.RunAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Dump_load_dump_is_the_identity_and_both_kernels_go_on_identically(bool legacy)
    {
        var log = new ProbeLog();
        var original = Fresh(log, legacy, "A", "B", "C");
        await original.RunAsync();
        await Busy(original);
        var state = await original.DumpAsync();

        var copy = Restored(new ProbeLog(), legacy, state, "A", "B", "C");
        Assert.Empty(KernelStateDump.Diff(state, await copy.DumpAsync()));

        await More(original);
        await More(copy);
        var a = await original.DumpAsync();
        Assert.Empty(KernelStateDump.Diff(a, await copy.DumpAsync()));
        if (!legacy) await AssertAuditClean(copy);
    }

    [Fact]
    public async Task A_restored_kernel_journals_only_what_changes_after_the_restore()
    {
        var original = Fresh(new ProbeLog(), false, "A", "B", "C");
        await original.RunAsync();
        await Busy(original);
        var committed = await original.DumpAsync();
        var copy = Restored(new ProbeLog(), false, committed, "A", "B", "C");
        await More(copy);
        var delta = (await copy.TakeBlockDeltaAsync()).Writes;
        Assert.True(delta.Count < committed.Count, $"{delta.Count} writes for {committed.Count} keys");
        var state = ActorSwingSet.Schema.KvState.From(committed);
        state.Apply(delta);
        Assert.Empty(KernelStateDump.Diff(state.ToSorted(), await copy.DumpAsync()));
    }

    [Fact]
    public void State_of_another_schema_version_is_refused_with_a_clear_message()
    {
        var state = new Dictionary<string, string> { ["version"] = "2" };
        var e = Assert.Throws<FormatException>(() => Restored(new ProbeLog(), false, state, "A"));
        Assert.Contains("schema version 2", e.Message, StringComparison.Ordinal);
    }
}
