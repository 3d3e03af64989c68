using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using ActorSwingSet.Cli.Demo;
using ActorSwingSet.Persistence;
using ActorSwingSet.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit;

namespace ActorSwingSet.Tests.Scenarios;

/// <summary>
/// The demo's set-up and its "continue" decision are stored in the kernel: a run stopped early (issue 9, item 1) is
/// finished by the next one, which ends in the state of one uninterrupted run.
/// </summary>
[Collection(ConsoleCapture.Name)]
public sealed class DemoRestartTests : ScratchDirectoryTest
{
    private static Task<(int Code, string Out, string Err)> Swingset(params string[] args) => SwingsetCli.Run(args);

    private static Dictionary<string, string> ReadDump(string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        return json.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
    }

    [Fact]
    public async Task A_kernel_stored_after_its_vats_started_and_before_the_ring_was_linked_is_set_up_by_the_next_run()
    {
        // what a demo killed after block 1 leaves: every static vat started and committed, the ring not linked
        var db = Path.Combine(Dir, "early.db");
        using (var system = ActorSystem.Create("early", ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(SqliteStorage.Config(db))))
        {
            var c = SwingSetController.Start(system, DemoScenario.Config(10));
            Assert.Equal(10, await c.RunAsync());
            Assert.Equal(1, await c.CommitAsync());
            await c.StopAsync();
            await system.Terminate();
            SqliteConnection.ClearAllPools(); // pooled connections would look like another process holding the file
        }

        var dump = Path.Combine(Dir, "restarted.json");
        var restarted = await Swingset("demo", "--db", db, "--commit-every", "1", "--dump", dump);
        Assert.True(restarted.Code == 0, restarted.Out + restarted.Err);
        Assert.Contains("setting up a ring of 10 vats", restarted.Out, StringComparison.Ordinal);
        Assert.Contains("audit clean", restarted.Out, StringComparison.Ordinal);

        // one uninterrupted run of the same demo ends in the same state, to the byte
        var freshDump = Path.Combine(Dir, "fresh.json");
        var fresh = await Swingset("demo", "--db", Path.Combine(Dir, "fresh.db"), "--vats", "10", "--commit-every", "1", "--dump", freshDump);
        Assert.True(fresh.Code == 0, fresh.Out + fresh.Err);
        var (expected, actual) = (ReadDump(freshDump), ReadDump(dump));
        Assert.True(KernelStateDump.Diff(expected, actual).Count == 0, string.Join('\n', KernelStateDump.Diff(expected, actual)));
        Assert.Equal("[]", actual["vats.terminated"]);

        var audit = await Swingset("audit", "--db", db);
        Assert.True(audit.Code == 0, audit.Out + audit.Err);
        Assert.Contains("audit clean", audit.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kernel_whose_ring_is_broken_or_that_is_not_the_demos_is_refused_in_one_line_and_left_as_it_was()
    {
        // a ring an earlier demo destroyed (issue 9, item 1: its vats were terminated), and a kernel of other vats
        var broken = Path.Combine(Dir, "broken.db");
        await StoreAsync(broken, DemoScenario.Config(4), c => c.TerminateVatAsync(DemoScenario.Name(2), "illegal syscall: missing vref"));
        var other = Path.Combine(Dir, "other.db");
        await StoreAsync(other, new KernelConfig { Bundles = DemoScenario.Bundles(), Vats = [new("alice", "demo-v1"), new("bob", "demo-v1")] },
            c => c.QueueToVatRootAsync("alice", "hang"));

        foreach (var (db, expected) in new[]
        {
            (broken, "the demo's ring in this kernel is broken: 1 of its 4 vats was terminated"),
            (other, "this kernel is not the demo's: it has no vat named node0000"),
        })
        {
            var stored = await StoredStateAsync(db);
            var r = await Swingset("demo", "--db", db, "--commit-every", "1");
            Assert.Equal(2, r.Code);
            Assert.Equal("swingset demo: " + expected, Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries)).TrimEnd());
            Assert.Equal(stored, await StoredStateAsync(db)); // nothing ran, nothing was committed
        }
    }

    /// <summary>Stores a kernel: its vats started, then <paramref name="then"/> queued and run, all in one block.</summary>
    private static async Task StoreAsync(string db, KernelConfig config, Func<SwingSetController, Task> then)
    {
        using var system = ActorSystem.Create("store", ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(SqliteStorage.Config(db)));
        var c = SwingSetController.Start(system, config);
        await c.RunAsync();
        await then(c);
        await c.RunAsync();
        await c.StopAsync();
        await system.Terminate();
        SqliteConnection.ClearAllPools(); // pooled connections would look like another process holding the file
    }

    /// <summary>The committed state of a stored kernel (the block number included), read without changing it.</summary>
    private static async Task<string> StoredStateAsync(string db)
    {
        using var system = ActorSystem.Create("read", ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(SqliteStorage.Config(db)));
        var journal = system.ActorOf(KernelJournal.Props("actorswingset-kernel", 0));
        var state = await journal.Ask<CommittedState>(GetCommittedState.Instance, TimeSpan.FromMinutes(1));
        await system.Terminate();
        SqliteConnection.ClearAllPools(); // pooled connections would look like another process holding the file
        return $"block {state.Block}: " + string.Join('\n', state.State.ReadRange("", null).Select(e => $"{e.Key}={e.Value}"));
    }

    [Fact]
    public async Task A_second_run_on_a_finished_round_runs_another_round_and_a_new_kernel_runs_the_first()
    {
        using var system = ActorSystem.Create("rounds", ConfigurationFactory.ParseString("akka.loglevel = WARNING"));
        var c = SwingSetController.Start(system, DemoScenario.Config(6));
        var first = await DemoScenario.RunAsync(c, hops: 2, upgrades: 2);
        Assert.Equal((1L, false, false), (first.Round, first.Continued, first.Resumed));
        var second = await DemoScenario.RunAsync(c, hops: 3, upgrades: 1);
        Assert.Equal((2L, true, false), (second.Round, second.Continued, second.Resumed));
        Assert.True(second.Audit.IsClean, second.Audit.ToString());
        var node0 = (await c.GetVatInfoAsync(DemoScenario.Name(0))).VatId;
        Assert.Equal("2", second.Dump[node0 + ".incarnationNumber"]); // upgraded once per round
        Assert.Equal("3", second.Dump[node0 + ".vs.demo.hops"]);      // the second round's plan is the second run's
        await system.Terminate();
    }
}
