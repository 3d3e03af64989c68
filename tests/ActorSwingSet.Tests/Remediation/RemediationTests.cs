using ActorSwingSet.Kernel.State;
using ActorSwingSet.References;
using ActorSwingSet.Tests.Support;
using Xunit;
using static ActorSwingSet.Tests.Support.Probe;

namespace ActorSwingSet.Tests.Remediation;

/// <summary>
/// Damage made honestly with the legacy upgrade mode (SwingSet bug #9039), then repaired: the six cases of
/// SwingSet's own remediation test, plus verified-claims repair.
/// </summary>
public sealed class RemediationTests : ProbeKernelTest
{
    private static Kref At(IReadOnlyDictionary<string, string> dump, string vat, string vref) => Kref.Parse(CList(dump, vat, vref)!);

    [Fact]
    public async Task The_legacy_mode_leaks_exactly_as_the_seed_describes()
    {
        var c = await Start(legacyUpgradeLeak: true, "A");
        var kp = await c.QueueToVatRootAsync("A", "hang");
        await c.ReleasePromiseAsync(kp);
        await c.RunAsync();
        await c.UpgradeVatAsync("A", "probe-v2:A");
        await c.RunAsync();
        var dump = await c.DumpAsync();
        Assert.Equal("rejected", dump[$"{kp}.state"]);
        Assert.Equal("1", dump[$"{kp}.refCount"]);
        Assert.Equal(kp.ToString(), CList(dump, "v1", "p-60"));
        var audit = await c.AuditAsync();
        Assert.Empty(audit.Violations);
        Assert.Equal([("v1", kp.ToString())], audit.SettledInCList);
    }

    [Fact]
    public async Task Remediation_repairs_the_six_cases_of_SwingSets_test_and_leaves_the_rest_alone()
    {
        var c = await Start(legacyUpgradeLeak: true, "A", "B", "C");
        var aRoot = (await c.GetVatInfoAsync("A")).Root;
        var bRoot = (await c.GetVatInfoAsync("B")).Root;
        var cRoot = (await c.GetVatInfoAsync("C")).Root;
        var notSubscribed = await c.QueueToVatRootAsync("A", "hang");          // (1) only A knows it
        await c.ReleasePromiseAsync(notSubscribed);
        var extraRef = await c.QueueToVatRootAsync("A", "hang");               // (4) the host holds it too
        await c.QueueToVatRootAsync("A", CallWith("makeAndSend", bRoot));      // (2)/(3) B subscribed to A's promise
        await c.QueueToVatRootAsync("C", CallWith("makeAndSend", aRoot));      // (6) A holds C's unresolved promise
        await c.QueueToVatRootAsync("B", CallWith("makeAndSendQuietly", cRoot)); // (5) C holds B's promise unsubscribed
        await c.RunAsync();
        await c.QueueToVatRootAsync("B", "settleMade", false);                 // (5) fulfilled, C never told
        await c.RunAsync();
        var before = await c.DumpAsync();
        var toB = At(before, "v1", "p+1");
        var fromC = At(before, "v3", "p+1");
        var fulfilled = At(before, "v3", "p-61");

        await c.UpgradeVatAsync("A", "probe-v2:A");
        Assert.True(await c.StepAsync()); // the upgrade crank: B's notify now waits in the acceptance queue

        var report = await c.RemediateUpgradeLeaksAsync();
        var repaired = report.Repaired.Select(f => (f.VatId, f.Kpid)).ToHashSet();
        Assert.Contains(("v1", notSubscribed), repaired);                       // (1) not subscribed: repaired
        Assert.Contains(("v1", extraRef), repaired);                            // (4) extra reference: repaired
        Assert.Contains(("v1", toB), repaired);                                 // A's own stale entry
        Assert.DoesNotContain(("v2", toB), repaired);                           // (3) notify pending in the acceptance queue
        Assert.Contains(("v3", fulfilled), repaired);                           // (5) fulfilled rather than rejected
        Assert.DoesNotContain(repaired, r => r.Kpid == fromC);                  // (6) unresolved: left alone
        Assert.Equal(4, repaired.Count);
        Assert.Equal(PromiseState.Fulfilled, report.Repaired.Single(f => f.Kpid == fulfilled).State);

        // (2) a notify pending in the run-queue is left alone too
        Assert.True(await c.StepAsync()); // routes B's notify onto the run-queue
        var again = await c.RemediateUpgradeLeaksAsync();
        Assert.Empty(again.Repaired);                                           // held ones count as pending as well

        Assert.Equal(4, await c.InjectQueuedUpgradeEventsAsync());
        await c.RunAsync();
        var after = await c.DumpAsync();
        Assert.Empty(KeysFor(after, notSubscribed));
        Assert.Empty(KeysFor(after, toB));
        Assert.Empty(KeysFor(after, fulfilled));
        Assert.Equal("1", after[$"{extraRef}.refCount"]);                       // (4) survives while the host holds it
        Assert.Equal("unresolved", after[$"{fromC}.state"]);
        await c.ReleasePromiseAsync(extraRef);
        Assert.Empty(KeysFor(await c.DumpAsync(), extraRef));
        await AssertAuditClean(c);
    }

    [Fact]
    public async Task Verified_claims_repair_only_what_really_is_damaged()
    {
        var c = await Start(legacyUpgradeLeak: true, "A", "B");
        var leaked = await c.QueueToVatRootAsync("A", "hang");
        await c.ReleasePromiseAsync(leaked);
        var unresolved = await c.QueueToVatRootAsync("B", "hang");
        await c.RunAsync();
        await c.UpgradeVatAsync("A", "probe-v2:A");
        await c.RunAsync();

        var verdicts = await c.RepairClaimsAsync(("v1", leaked), ("v2", leaked), ("v2", unresolved), ("v9", leaked), ("v1", Kref.Promise(9999)), ("v1", leaked));
        Assert.True(verdicts[0].Repaired);
        Assert.Equal($"{leaked} is not in v2's c-list", verdicts[1].Refusal);
        Assert.Equal($"{unresolved} is unresolved", verdicts[2].Refusal);
        Assert.Equal("v9 is not a live vat", verdicts[3].Refusal);
        Assert.Equal("kp9999 does not exist", verdicts[4].Refusal);
        Assert.Equal($"a notify of {leaked} to v1 is already pending", verdicts[5].Refusal);
        await c.RunAsync();
        Assert.Empty(KeysFor(await c.DumpAsync(), leaked));
        await c.ReleasePromiseAsync(unresolved);
        await AssertAuditClean(c);
    }
}
