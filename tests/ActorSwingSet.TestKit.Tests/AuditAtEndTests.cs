using Akka.Actor;
using ActorSwingSet.TestKit.Tests.Support;
using Xunit;

namespace ActorSwingSet.TestKit.Tests;

/// <summary>
/// Tests the end-of-test audit through xunit itself: each scenario below is a test of its own, run with
/// <see cref="XunitRun"/> the way the test runner runs tests, and these tests check how xunit reported it.
/// </summary>
public sealed class AuditAtEndTests
{
    [Fact]
    public async Task A_test_that_leaves_the_kernel_damaged_fails_with_the_audit_report()
    {
        var outcome = await XunitRun.RunAsync<AuditScenarios>(nameof(AuditScenarios.Damages_the_kernel));

        Assert.False(outcome.Passed);
        Assert.Equal([typeof(KernelAuditException).FullName!], outcome.ExceptionTypes);
        Assert.Contains("the end-of-test audit failed", outcome.AllMessages, StringComparison.Ordinal);
        Assert.Contains("kernel swingset-kernel-1: audit found 0 violation(s) and 1 settled promise(s) left in c-lists", outcome.AllMessages, StringComparison.Ordinal);
        Assert.Matches(@"I2: kp\d+ is settled but still in v\d+'s c-list with no pending notify", outcome.AllMessages);
    }

    [Fact]
    public async Task The_same_test_passes_when_it_skips_the_audit()
    {
        var outcome = await XunitRun.RunAsync<AuditScenarios>(nameof(AuditScenarios.Damages_the_kernel_and_skips_the_audit));

        Assert.True(outcome.Passed, outcome.AllMessages);
    }

    [Fact]
    public async Task A_test_that_leaves_the_kernel_sound_passes()
    {
        var outcome = await XunitRun.RunAsync<AuditScenarios>(nameof(AuditScenarios.Upgrades_without_the_leak));

        Assert.True(outcome.Passed, outcome.AllMessages);
    }

    [Fact]
    public async Task A_kernel_that_stopped_cannot_be_audited_and_fails_the_test()
    {
        var outcome = await XunitRun.RunAsync<AuditScenarios>(nameof(AuditScenarios.Stops_the_kernel));

        Assert.False(outcome.Passed);
        Assert.Contains("kernel swingset-kernel-1 could not be audited: kernel panic: the kernel actor has stopped", outcome.AllMessages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_kernel_of_a_test_is_audited()
    {
        var outcome = await XunitRun.RunAsync<AuditScenarios>(nameof(AuditScenarios.Damages_the_second_of_two_kernels));

        Assert.False(outcome.Passed);
        Assert.Contains("kernel swingset-kernel-2: audit found", outcome.AllMessages, StringComparison.Ordinal);
        Assert.DoesNotContain("swingset-kernel-1", outcome.AllMessages, StringComparison.Ordinal);
    }
}

/// <summary>
/// The scenarios <see cref="AuditAtEndTests"/> runs. The damage is real: a kernel that reproduces SwingSet bug #9039
/// leaves a rejected promise in the upgraded vat's c-list, which the audit reports.
/// </summary>
public sealed class AuditScenarios : SwingSetTestKit
{
    private Task<TestKernel> StartWaiterAsync(bool leak) => StartKernelAsync(k => k
        .Vat<WaiterVat>("waiter")
        .StaticVat("waiter", "waiter")
        .Configure(c => c with { ReproduceUpgradeLeakBug9039 = leak }));

    private static async Task UpgradeWhileWaitingAsync(TestKernel kernel)
    {
        var wait = await kernel.CallAsync("waiter", "wait");
        Assert.Equal(PromiseState.Unresolved, wait.State);
        (await kernel.UpgradeAsync("waiter", "waiter")).AssertSucceeded();
        Assert.Equal(PromiseState.Rejected, (await kernel.PromiseAsync(wait.Promise)).State);
    }

    [NestedFact]
    public async Task Damages_the_kernel() => await UpgradeWhileWaitingAsync(await StartWaiterAsync(leak: true));

    [NestedFact]
    public async Task Damages_the_kernel_and_skips_the_audit()
    {
        SkipAuditAtEnd("the kernel reproduces SwingSet bug #9039 on purpose");
        await UpgradeWhileWaitingAsync(await StartWaiterAsync(leak: true));
    }

    [NestedFact]
    public async Task Upgrades_without_the_leak() => await UpgradeWhileWaitingAsync(await StartWaiterAsync(leak: false));

    [NestedFact]
    public async Task Stops_the_kernel()
    {
        var kernel = await StartWaiterAsync(leak: false);
        await kernel.Controller.Kernel.GracefulStop(TimeSpan.FromSeconds(10));
    }

    [NestedFact]
    public async Task Damages_the_second_of_two_kernels()
    {
        await UpgradeWhileWaitingAsync(await StartWaiterAsync(leak: false));
        await UpgradeWhileWaitingAsync(await StartWaiterAsync(leak: true));
    }
}
