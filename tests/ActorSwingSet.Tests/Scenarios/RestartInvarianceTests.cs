using ActorSwingSet.Tests.Scenarios.Random;
using Xunit;

namespace ActorSwingSet.Tests.Scenarios;

/// <summary>
/// Behaviours the random scenarios found broken, each pinned by the smallest scenario that showed it: a kernel
/// restart (commit, stop, start from the stored state) must leave the kernel exactly where it would have been.
/// </summary>
public sealed class RestartInvarianceTests
{
    private static Task<IScenarioKernel> InProcess(ActorSwingSet.Kernel.KernelConfig c) => Task.FromResult<IScenarioKernel>(new InProcessScenarioKernel(c));

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
        Assert.Empty(Dump.KernelStateDump.Diff(plain.Dump, restarted.Dump));
    }
}
