using ActorSwingSet.Vats;
using ActorSwingSet.Tests.Support;
using Xunit;
using static ActorSwingSet.Tests.Support.Probe;

namespace ActorSwingSet.Tests.Upgrade;

/// <summary>
/// A failed upgrade rolls back to the old incarnation: the state is as before the upgrade except what the old
/// incarnation's own bringOutYourDead did, and the old incarnation keeps running and deciding its promises.
/// </summary>
public sealed class FailedUpgradeRollbackTests : ProbeKernelTest
{
    [Fact]
    public async Task F_a_failed_upgrade_leaves_the_state_exactly_as_before()
    {
        var c = await Start("A", "B");
        var bRoot = (await c.GetVatInfoAsync("B")).Root;
        await c.QueueToVatRootAsync("A", CallWith("makeAndSend", bRoot));
        await c.QueueToVatRootAsync("A", "selfWatch");
        await c.QueueToVatRootAsync("A", "exportObject");
        await c.RunAsync();
        var before = await c.DumpAsync();

        var result = await c.UpgradeVatAsync("A", "probe-broken:A");
        await c.RunAsync();
        var status = await c.GetPromiseAsync(result);
        Assert.Equal(PromiseState.Rejected, status.State);
        Assert.Equal(SmallCaps.Error("vat-upgrade failure"), status.Data!.Body);
        await c.ReleasePromiseAsync(result);

        var after = await c.DumpAsync();
        // only crank bookkeeping, the host's result promise, and the reap count the old incarnation's
        // bringOutYourDead reset (that delivery stands: the old incarnation's memory has seen it)
        var expectedToChange = new HashSet<string>(StringComparer.Ordinal) { "crankNumber", "kernelStats", "kp.nextID", "runQueue", "v1.reapDirt" };
        var diff = KernelStateDump.Diff(before, after);
        Assert.All(diff, line => Assert.Contains(line.Split(' ')[1].TrimEnd(':'), expectedToChange));
        Assert.True((await c.GetVatInfoAsync("A")).Alive);
        Assert.DoesNotContain(Deliveries.Entries, e => e.Vat == "A" && e.Incarnation == 9 && e.Delivery is not StartVatDelivery);
        // the old incarnation still decides its promises and can settle them
        await c.QueueToVatRootAsync("A", "settleMade", false);
        await c.RunAsync();
        var settled = Assert.Single(Deliveries.NotifiesTo("B"));
        Assert.False(settled.Resolutions[0].Rejected);
        Assert.Equal(SmallCaps.Encode("made fulfilled"), settled.Resolutions[0].Data.Body);
        await AssertAuditClean(c);
    }
    [Fact]
    public async Task A_failed_upgrade_leaves_no_trace_not_even_of_the_old_incarnations_bringOutYourDead()
    {
        var c = await Start("A", "B");
        var exported = await c.QueueToVatRootAsync("A", "exportObject");
        await c.RunAsync();
        var ko = (await c.GetPromiseAsync(exported)).Data!.Slots[0];
        await c.QueueToVatRootAsync("B", CallWith("keep", ko));
        await c.QueueToVatRootAsync("B", "armBoydDrop");
        await c.RunAsync();
        await c.ReleasePromiseAsync(exported);
        await c.RunAsync();
        var before = await c.DumpAsync();

        var failed = await c.UpgradeVatAsync("B", "probe-broken:B");
        await c.RunAsync();
        Assert.Equal(PromiseState.Rejected, (await c.GetPromiseAsync(failed)).State);
        await c.ReleasePromiseAsync(failed);
        await c.RunAsync();
        Assert.True((await c.GetVatInfoAsync("B")).Alive);
        var after = await c.DumpAsync();
        // the old incarnation's bringOutYourDead dropped the import, but the whole attempt was rolled back and its
        // worker rebuilt from the transcript: only counters moved (cranks, stats, the result promise's number, the
        // run-queue's positions)
        var changed = before.Keys.Union(after.Keys).Where(k => before.GetValueOrDefault(k) != after.GetValueOrDefault(k)).Order(StringComparer.Ordinal);
        Assert.Equal(["crankNumber", "kernelStats", "kp.nextID", "runQueue"], changed.ToArray());
        Assert.StartsWith("R ", after[$"v2.c.{ko}"], StringComparison.Ordinal);
        Assert.DoesNotContain(Deliveries.Entries, e => e.Vat == "A" && e.Delivery is DropExportsDelivery);
        await AssertAuditClean(c);

        // the rebuilt old worker is still armed: the next upgrade's bringOutYourDead drops the import
        await c.UpgradeVatAsync("B", "probe-v2:B");
        await c.RunAsync();
        Assert.Equal("1", (await c.DumpAsync())["v2.incarnationNumber"]);
        Assert.Single(Deliveries.Entries, e => e.Vat == "A" && e.Delivery is DropExportsDelivery);
        await AssertAuditClean(c);
    }
}
