using ActorSwingSet.Tests.Support;
using Xunit;
using static ActorSwingSet.Tests.Support.Probe;
using static ActorSwingSet.Tests.Upgrade.UpgradeSteps;

namespace ActorSwingSet.Tests.Upgrade;

/// <summary>
/// An upgrade rejects the promises the old incarnation decided, with the disconnection object, and leaves no trace
/// of them; promises decided elsewhere and settled ones are untouched (the cases of SwingSet #9039, checked on the kv
/// dump and with the audit). Vat A is upgraded throughout; B is another vat.
/// </summary>
public sealed class UpgradeRejectsDecidedPromisesTests : ProbeKernelTest
{
    private static async Task<string> Disconnection(long incarnation, string message = "vat upgraded") =>
        await Task.FromResult(SmallCaps.Encode(new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["incarnationNumber"] = incarnation,
            ["name"] = "vatUpgraded",
            ["upgradeMessage"] = message,
        }));

    [Fact]
    public async Task A_unsubscribed_promise_only_the_upgraded_vat_knows_leaves_no_trace()
    {
        var c = await Start("A");
        var kp = await c.QueueToVatRootAsync("A", "hang");
        await c.ReleasePromiseAsync(kp); // now only A's c-list names it
        await c.RunAsync();
        var before = await c.DumpAsync();
        Assert.Equal("1", before[$"{kp}.refCount"]);
        Assert.Equal("v1", before[$"{kp}.decider"]);

        await Upgraded(c, "A", "probe-v2:A");

        var after = await c.DumpAsync();
        Assert.Empty(KeysFor(after, kp));
        Assert.Null(CList(after, "v1", kp.ToString()));
        await AssertAuditClean(c);
    }

    [Fact]
    public async Task B_a_subscriber_is_notified_with_the_disconnection_object_then_the_promise_is_deleted()
    {
        var c = await Start("A", "B");
        var bRoot = (await c.GetVatInfoAsync("B")).Root;
        await c.QueueToVatRootAsync("A", CallWith("makeAndSend", bRoot));
        await c.RunAsync();
        var dump = await c.DumpAsync();
        var kp = Kref.Parse(CList(dump, "v1", "p+1")!);
        Assert.Equal("v2", dump[$"{kp}.subscribers"]);

        await Upgraded(c, "A", "probe-v2:A");

        var notify = Assert.Single(Deliveries.NotifiesTo("B"));
        var res = Assert.Single(notify.Resolutions);
        Assert.True(res.Rejected);
        Assert.Equal(await Disconnection(0), res.Data.Body);
        var after = await c.DumpAsync();
        Assert.Empty(KeysFor(after, kp));
        Assert.DoesNotContain(after.Keys, k => k.EndsWith("." + kp, StringComparison.Ordinal));
        await AssertAuditClean(c);
    }

    [Fact]
    public async Task C_a_self_subscribed_promise_survives_the_upgrade_crank_and_is_retired_by_the_notify_to_the_new_incarnation()
    {
        var c = await Start("A");
        await c.QueueToVatRootAsync("A", "selfWatch");
        await c.RunAsync();
        var kp = Kref.Parse(CList(await c.DumpAsync(), "v1", "p+1")!);

        await c.UpgradeVatAsync("A", "probe-v2:A");
        Assert.True(await c.StepAsync()); // the upgrade-vat crank itself
        var mid = await c.DumpAsync();
        Assert.Equal(kp.ToString(), CList(mid, "v1", "p+1"));
        Assert.Equal("rejected", mid[$"{kp}.state"]);
        Assert.Contains(mid, e => e.Key.StartsWith("acceptanceQueue.", StringComparison.Ordinal) && e.Value.Contains($"\"kpid\":\"{kp}\"", StringComparison.Ordinal));

        await c.RunAsync();
        var notify = Assert.Single(Deliveries.NotifiesTo("A", incarnation: 1));
        Assert.Equal("p+1", notify.Resolutions[0].Vpid);
        Assert.Equal(await Disconnection(0), notify.Resolutions[0].Data.Body);
        var after = await c.DumpAsync();
        Assert.Null(CList(after, "v1", "p+1"));
        Assert.Empty(KeysFor(after, kp));
        await AssertAuditClean(c);
    }

    [Fact]
    public async Task D_a_promise_carried_by_a_message_queued_on_another_promise_lives_exactly_as_long_as_that_message()
    {
        var c = await Start("A", "B");
        var aRoot = (await c.GetVatInfoAsync("A")).Root;
        await c.QueueToVatRootAsync("B", CallWith("makeAndSend", aRoot)); // B decides kpY, A holds it
        await c.RunAsync();
        await c.QueueToVatRootAsync("A", "sendToHeld"); // A decides kpX, sent as an argument to kpY
        await c.RunAsync();
        var dump = await c.DumpAsync();
        var kpY = Kref.Parse(CList(dump, "v2", "p+1")!);
        var kpX = Kref.Parse(CList(dump, "v1", "p+1")!);
        Assert.Contains($"\"slots\":[\"{kpX}\"]", dump[$"{kpY}.queue.0"], StringComparison.Ordinal);

        await Upgraded(c, "A", "probe-v2:A");
        var afterUpgrade = await c.DumpAsync();
        Assert.Null(CList(afterUpgrade, "v1", kpX.ToString()));
        Assert.Equal("rejected", afterUpgrade[$"{kpX}.state"]);
        Assert.Equal("1", afterUpgrade[$"{kpX}.refCount"]); // only the queued message holds it
        await AssertAuditClean(c);

        await c.QueueToVatRootAsync("B", "settleMade", true); // kpY rejected: the queued message goes splat
        await c.RunAsync();
        var after = await c.DumpAsync();
        Assert.Empty(KeysFor(after, kpX));
        Assert.Empty(KeysFor(after, kpY));
        await AssertAuditClean(c);
    }

    [Fact]
    public async Task E_promises_decided_elsewhere_and_settled_promises_are_untouched_by_the_upgrade()
    {
        var c = await Start("A", "B");
        var aRoot = (await c.GetVatInfoAsync("A")).Root;
        await c.QueueToVatRootAsync("B", CallWith("makeAndSend", aRoot)); // B decides kpY, A holds it
        var kpF = await c.QueueToVatRootAsync("A", "echo", 42); // A fulfils kpF, the host holds it
        await c.RunAsync();
        var before = await c.DumpAsync();
        var kpY = Kref.Parse(CList(before, "v2", "p+1")!);
        var yVref = before[$"v1.c.{kpY}"];

        await Upgraded(c, "A", "probe-v2:A");
        var after = await c.DumpAsync();
        foreach (var key in KeysFor(before, kpY).Concat(KeysFor(before, kpF))) Assert.Equal(before[key], after[key]);
        Assert.Equal(yVref, after[$"v1.c.{kpY}"]);
        Assert.Equal(42L, (await c.GetPromiseAsync(kpF)).Value);

        await c.QueueToVatRootAsync("B", "settleMade", false);
        await c.RunAsync();
        var late = Assert.Single(Deliveries.NotifiesTo("A", incarnation: 1));
        Assert.Equal(yVref[2..], late.Resolutions[0].Vpid);
        Assert.Empty(KeysFor(await c.DumpAsync(), kpY));
        await AssertAuditClean(c);
    }
}
