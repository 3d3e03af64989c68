using Akka.Configuration;
using Akka.Persistence.TestKit;
using ActorSwingSet.Tests.Support;
using Xunit;
using static ActorSwingSet.Tests.Support.Probe;

namespace ActorSwingSet.Tests.Persistence;

/// <summary>
/// Journal failures injected with Akka.Persistence.TestKit's interceptors: a failed or rejected block write, and a
/// recovery that fails, each stop the kernel cleanly with a clear reason.
/// </summary>
public sealed class JournalInterceptorTests() : Akka.TestKit.Xunit2.TestKit(TestConfig)
{
    private static readonly Config TestConfig = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        actorswingset.persistence.enabled = on
        akka.persistence {
          journal {
            plugin = "akka.persistence.journal.test"
            test { class = "Akka.Persistence.TestKit.TestJournal, Akka.Persistence.TestKit", plugin-dispatcher = "akka.actor.default-dispatcher" }
          }
          snapshot-store {
            plugin = "akka.persistence.snapshot-store.test"
            test { class = "Akka.Persistence.TestKit.TestSnapshotStore, Akka.Persistence.TestKit", plugin-dispatcher = "akka.actor.default-dispatcher" }
          }
        }
        """);

    private readonly ProbeLog _log = new();

    private ITestJournal Journal => TestJournal.FromRef(Akka.Persistence.Persistence.Instance.Apply(Sys).JournalFor("akka.persistence.journal.test"));

    private SwingSetController Start(string name) => SwingSetController.Start(Sys, Config(_log, "A", "B"), name);

    [Fact]
    public async Task A_failed_block_write_panics_the_kernel_with_a_clear_error()
    {
        var c = Start("k1");
        await c.RunAsync();
        Assert.Equal(1, await c.CommitAsync());
        await Journal.OnWrite.Fail();
        await c.QueueToVatRootAsync("A", "echo", 1);
        await c.RunAsync();
        var e = await Assert.ThrowsAsync<KernelPanicException>(() => c.CommitAsync());
        Assert.Contains("could not be committed", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<KernelPanicException>(() => c.GetStatsAsync());
        await Journal.OnWrite.Pass();
    }

    [Fact]
    public async Task A_rejected_block_write_panics_the_kernel_too()
    {
        var c = Start("k2");
        await c.RunAsync();
        await Journal.OnWrite.Reject();
        var e = await Assert.ThrowsAsync<KernelPanicException>(() => c.CommitAsync());
        Assert.Contains("rejected", e.Message, StringComparison.Ordinal);
        await Journal.OnWrite.Pass();
    }

    [Fact]
    public async Task A_recovery_that_fails_leaves_a_kernel_that_refuses_every_request()
    {
        var c = Start("k3");
        await c.RunAsync();
        await c.StopAsync(); // one kernel per journal: the first goes before the restart
        await Journal.OnRecovery.Fail();
        var restarted = Start("k3-restarted");
        var e = await Assert.ThrowsAsync<KernelPanicException>(() => restarted.GetStatsAsync());
        Assert.Contains("could not recover", e.Message, StringComparison.Ordinal);
        await Journal.OnRecovery.Pass();
    }
}
