using ActorSwingSet.Tests.Scenarios.Random;
using Xunit;

namespace ActorSwingSet.Tests.Scenarios;

/// <summary>
/// Behaviours the random scenarios found broken, each pinned by the smallest scenario that showed it: a kernel
/// restart (commit, stop, start from the stored state) must leave the kernel exactly where it would have been.
/// </summary>
public sealed class RestartInvarianceTests
{
    private static Task<IScenarioKernel> InProcess(KernelConfig c) => Task.FromResult<IScenarioKernel>(new InProcessScenarioKernel(c));

    [Fact]
    public async Task A_liveslots_vat_rebuilding_its_code_after_a_restart_leaves_the_kernel_counters_as_they_would_have_been()
    {
        // the vat-admin vat (a liveslots vat) rebuilds itself from its vatstore on its first delivery after the
        // restart; those vatstore reads are the restart's doing, not the scenario's
        var scenario = new Scenario([false, false], 0,
            [new RunCranks(2), new HostSend(false, 0, [-1], [], [new Send(new Ref(Src.Arg, 0), [], true, [])])],
            RestartAt: 1, VatAdmin: true);
        var plain = await ScenarioRunner.RunAsync(scenario, InProcess, restart: false, auditEveryCrank: true);
        var restarted = await ScenarioRunner.RunAsync(scenario, InProcess, restart: true, auditEveryCrank: true);
        Assert.Empty(KernelStateDump.Diff(plain.Dump, restarted.Dump));
    }

    [Fact]
    public async Task An_import_a_liveslots_vat_no_longer_reaches_is_dropped_at_its_next_reap_after_a_restart()
    {
        // B passes one of its durable objects to the vat-admin service in a call it does not understand; the service
        // keeps no reference to it, so its next bringOutYourDead drops it, restart or not
        var scenario = new Scenario([false, true, true], 5,
            [
                new HostSend(false, 4, [-1], [], [new Send(new Ref(Src.Arg, 7), [new Ref(Src.NewDurable, 0)], true, []), new Send(new Ref(Src.Obj, 7), [], true, [])]),
                new HostSend(false, 3, [-1], [], []),
                new Create(true, null),
                new RunCranks(30),
                new Terminate(3, false),
                new HostSend(false, 0, [], [], [new Send(new Ref(Src.Obj, 0), [], false, [])]),
            ],
            RestartAt: 1, VatAdmin: true);
        var plain = await ScenarioRunner.RunAsync(scenario, InProcess, restart: false, auditEveryCrank: true);
        var restarted = await ScenarioRunner.RunAsync(scenario, InProcess, restart: true, auditEveryCrank: true);
        Assert.Empty(KernelStateDump.Diff(plain.Dump, restarted.Dump));
        Assert.DoesNotContain(restarted.Dump, kv => kv.Key.StartsWith("v1.c.o-", StringComparison.Ordinal));
    }
}
