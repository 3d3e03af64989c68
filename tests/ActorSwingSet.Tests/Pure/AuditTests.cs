using ActorSwingSet.Audit;
using ActorSwingSet.Tests.Support;
using Xunit;
using static ActorSwingSet.Tests.Support.Probe;

namespace ActorSwingSet.Tests.Pure;

/// <summary>The audit finds damage: it is only worth running if it can fail.</summary>
public sealed class AuditTests
{
    private static async Task<SortedDictionary<string, string>> HealthyDumpWithASubscribedPromise()
    {
        var log = new ProbeLog();
        var k = InProcessKernelTests.Build(log, "A", "B");
        await k.RunAsync();
        k.QueueToVatRoot("A", CallWith("makeAndSend", k.GetVatInfo("B").Root));
        await k.RunAsync();
        var dump = await k.DumpAsync();
        Assert.True(KernelAudit.Run(dump).IsClean, KernelAudit.Run(dump).ToString());
        return dump;
    }

    [Fact]
    public async Task The_seed_bug_state_is_reported_as_a_settled_promise_left_in_a_c_list()
    {
        // what the pre-fix kernel left behind: rejected by the upgrade, still in the decider's c-list, refCount 1
        var dump = await HealthyDumpWithASubscribedPromise();
        var kp = dump["v1.c.p+1"];
        dump[kp + ".state"] = "rejected";
        dump.Remove(kp + ".decider");
        dump.Remove(kp + ".subscribers");
        dump.Remove(kp + ".queue.nextID");
        dump[kp + ".data.body"] = "#{\"incarnationNumber\":0,\"name\":\"vatUpgraded\",\"upgradeMessage\":\"vat upgraded\"}";
        dump[kp + ".data.slots"] = "";
        dump.Remove("v2.c.p-60");
        dump.Remove("v2.c." + kp);
        dump[kp + ".refCount"] = "1";
        var report = KernelAudit.Run(dump);
        Assert.False(report.IsClean);
        Assert.Equal([("v1", kp)], report.SettledInCList);
        Assert.Empty(report.Violations);
    }

    [Fact]
    public async Task A_wrong_refcount_a_half_c_list_entry_and_a_dead_decider_are_violations()
    {
        var dump = await HealthyDumpWithASubscribedPromise();
        var kp = dump["v1.c.p+1"];
        dump[kp + ".refCount"] = "7";
        dump["v2.c.o-77"] = "ko999";
        dump[kp + ".decider"] = "v42";
        var report = KernelAudit.Run(dump);
        Assert.Contains(report.Violations, v => v.StartsWith($"I1: {kp}.refCount is 7, recount finds 2", StringComparison.Ordinal));
        Assert.Contains(report.Violations, v => v.StartsWith("I4: v2.c.o-77 names ko999", StringComparison.Ordinal));
        Assert.Contains(report.Violations, v => v.StartsWith($"I3: unresolved {kp} is decided by v42", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_promise_at_zero_and_an_entry_of_a_terminated_vat_are_violations()
    {
        var dump = await HealthyDumpWithASubscribedPromise();
        dump["kp999.state"] = "fulfilled";
        dump["kp999.refCount"] = "0";
        dump["kp999.data.body"] = "#null";
        dump["kp999.data.slots"] = "";
        dump["vats.terminated"] = "[\"v9\"]";
        dump["v9.c.kp999"] = "R p-60";
        dump["v9.c.p-60"] = "kp999";
        var report = KernelAudit.Run(dump);
        Assert.Contains(report.Violations, v => v.StartsWith("I6: terminated vat v9 still holds", StringComparison.Ordinal));
        Assert.Contains(report.Violations, v => v.StartsWith("I1: kp999.refCount is 0, recount finds 1", StringComparison.Ordinal));
    }
}
