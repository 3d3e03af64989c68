using ActorSwingSet.Tests.Support;
using Xunit;
using static ActorSwingSet.Tests.Support.Probe;

namespace ActorSwingSet.Tests.Scenarios;

/// <summary>Case (g): a vat that breaks the rules is terminated with a clear reason; the kernel and other vats carry on.</summary>
public sealed class IllegalSyscallTests : ProbeKernelTest
{
    private async Task AssertTerminatedAndKernelContinues(SwingSetController c, Kref result, string reasonFragment)
    {
        await c.RunAsync();
        var info = await c.GetVatInfoAsync("A");
        Assert.False(info.Alive);
        Assert.True(info.Termination!.IsFailure);
        Assert.Contains(reasonFragment, info.Termination.InfoBody, StringComparison.Ordinal);
        // the message that broke the rules is retried against the dead vat and goes splat
        var status = await c.GetPromiseAsync(result);
        Assert.Equal(PromiseState.Rejected, status.State);
        Assert.Equal(SmallCaps.Error("vat terminated"), status.Data!.Body);
        // the kernel keeps running: B still answers
        var echo = await c.QueueToVatRootAsync("B", "echo", "still here");
        await c.RunAsync();
        Assert.Equal("still here", (await c.GetPromiseAsync(echo)).Value);
        var dump = await c.DumpAsync();
        Assert.DoesNotContain(dump.Keys, k => k.StartsWith("v1.", StringComparison.Ordinal));
        Assert.Contains("v1", dump["vats.terminated"], StringComparison.Ordinal);
        await AssertAuditClean(c);
    }

    [Fact]
    public async Task Resolving_a_promise_another_vat_decides_terminates_the_vat()
    {
        var c = await Start("A", "B");
        var aRoot = (await c.GetVatInfoAsync("A")).Root;
        await c.QueueToVatRootAsync("B", CallWith("makeAndSend", aRoot)); // A holds a promise B decides
        await c.RunAsync();
        var bad = await c.QueueToVatRootAsync("A", "resolveHeld");
        await AssertTerminatedAndKernelContinues(c, bad, "is decided by v2, not v1");
        // B's promise is untouched: still unresolved and decided by B
        var dump = await c.DumpAsync();
        var kpY = CList(dump, "v2", "p+1")!;
        Assert.Equal("unresolved", dump[kpY + ".state"]);
        Assert.Equal("v2", dump[kpY + ".decider"]);
    }

    [Fact]
    public async Task Sending_to_an_unknown_vref_terminates_the_vat()
    {
        var c = await Start("A", "B");
        var bad = await c.QueueToVatRootAsync("A", "sendUnknown");
        await AssertTerminatedAndKernelContinues(c, bad, "unknown vref o-999");
    }

    [Fact]
    public async Task Malformed_capdata_terminates_the_vat()
    {
        var c = await Start("A", "B");
        var bRoot = (await c.GetVatInfoAsync("B")).Root;
        var bad = await c.QueueToVatRootAsync("A", CallWith("badCapdata", bRoot));
        await AssertTerminatedAndKernelContinues(c, bad, "malformed capdata");
    }

    [Fact]
    public async Task A_slot_reference_past_the_slots_terminates_the_vat()
    {
        var c = await Start("A", "B");
        var bRoot = (await c.GetVatInfoAsync("B")).Root;
        var bad = await c.QueueToVatRootAsync("A", CallWith("badSlots", bRoot));
        await AssertTerminatedAndKernelContinues(c, bad, "only 0 slot");
    }

    [Fact]
    public async Task A_vat_that_throws_is_terminated_and_its_decided_promises_rejected()
    {
        var c = await Start("A", "B");
        var bRoot = (await c.GetVatInfoAsync("B")).Root;
        await c.QueueToVatRootAsync("A", CallWith("makeAndSend", bRoot)); // A decides a promise B holds
        await c.RunAsync();
        var bad = await c.QueueToVatRootAsync("A", "throw");
        await AssertTerminatedAndKernelContinues(c, bad, "vat code threw");
        var notify = Assert.Single(Deliveries.NotifiesTo("B"));
        Assert.Equal(SmallCaps.Error("vat terminated"), notify.Resolutions[0].Data.Body);
    }

    [Fact]
    public async Task A_clean_exit_keeps_the_delivery_and_orphans_the_exports()
    {
        var c = await Start("A", "B");
        var exported = await c.QueueToVatRootAsync("A", "exportObject");
        await c.RunAsync();
        var ko = (await c.GetPromiseAsync(exported)).Data!.Slots[0];
        await c.QueueToVatRootAsync("A", "exit", false);
        await c.RunAsync();
        var info = await c.GetVatInfoAsync("A");
        Assert.False(info.Alive);
        Assert.False(info.Termination!.IsFailure);
        var dump = await c.DumpAsync();
        Assert.False(dump.ContainsKey($"{ko}.owner")); // orphaned; the host's promise data still holds it
        var sent = await c.QueueToKrefAsync(ko, Call("echo", 1));
        await c.RunAsync();
        Assert.Equal(SmallCaps.Error("vat terminated"), (await c.GetPromiseAsync(sent)).Data!.Body);
        await c.ReleasePromiseAsync(exported);
        await c.ReleasePromiseAsync(sent);
        Assert.DoesNotContain(await c.DumpAsync(), e => e.Key.StartsWith(ko + ".", StringComparison.Ordinal));
        await AssertAuditClean(c);
    }
}
