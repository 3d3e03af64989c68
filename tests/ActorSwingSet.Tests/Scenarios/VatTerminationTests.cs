using ActorSwingSet.Vats;
using ActorSwingSet.Tests.Support;
using Xunit;
using static ActorSwingSet.Tests.Support.Probe;

namespace ActorSwingSet.Tests.Scenarios;

/// <summary>A vat's termination: what it held is released, and a clean exit during startVat keeps the vat's work.</summary>
public sealed class VatTerminationTests : ProbeKernelTest
{
    [Fact]
    public async Task A_terminated_vat_releases_the_references_in_its_vatParameters()
    {
        var c = await Start("A");
        var exported = await c.QueueToVatRootAsync("A", "exportObject");
        await c.RunAsync();
        var ko = (await c.GetPromiseAsync(exported)).Data!.Slots[0];
        var (vatId, created) = await c.CreateVatAsync("probe:A", KCapData.Of(SmallCaps.Encode(new SlotRef(0, false, "gift")), ko));
        await c.RunAsync();
        await c.TerminateVatAsync(vatId, "enough");
        await c.RunAsync();
        await c.ReleasePromiseAsync(exported);
        await c.ReleasePromiseAsync(created);
        await c.RunAsync();
        Assert.DoesNotContain((await c.DumpAsync()).Keys, k => k.StartsWith(ko + ".", StringComparison.Ordinal));
        Assert.Single(Deliveries.Entries, e => e.Vat == "A" && e.Delivery is RetireExportsDelivery);
        await AssertAuditClean(c);
    }

    [Fact]
    public async Task A_clean_exit_during_startVat_creates_the_vat_then_terminates_it_keeping_its_work()
    {
        var c = await Start("A");
        var (vatId, created) = await c.CreateVatAsync("probe:A", KCapData.Of(SmallCaps.Encode("exit-on-start")));
        await c.RunAsync();
        Assert.Equal(PromiseState.Fulfilled, (await c.GetPromiseAsync(created)).State);
        var info = await c.GetVatInfoAsync(vatId);
        Assert.False(info.Alive);
        Assert.False(info.Termination!.IsFailure);
        Assert.Contains(vatId, (await c.DumpAsync())["vats.terminated"], StringComparison.Ordinal);
        await AssertAuditClean(c);
    }
}
