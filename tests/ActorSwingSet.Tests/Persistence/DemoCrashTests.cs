using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using ActorSwingSet.Cli.Demo;
using ActorSwingSet.Persistence;
using Microsoft.Data.Sqlite;
using Xunit;

namespace ActorSwingSet.Tests.Persistence;

/// <summary>
/// Crash tests at scale: the demo runs in a child process (tests/ActorSwingSet.CrashHost) that kills itself with
/// SIGKILL at a fixed point: before or after a block write, before or after a snapshot, or inside a given
/// delivery. A restart without the fault (in this process, as <c>swingset demo --db</c> runs it) must finish the
/// killed round and end in exactly the kvStore dump of one uninterrupted run, audit clean, and the database must
/// read back that state, with the transcript tables (every span and item) equal to the uninterrupted run's. Kill points
/// are events the child counts, never timers. A <c>commit-after:N</c> kill falls between block N's persist and the
/// application of its transcript items to the tables (the journal applies them in its persist callback, which the
/// kill forestalls), so the restart's recovery must apply them.
/// </summary>
[Collection(nameof(DemoCrashTests))]
public sealed class DemoCrashTests(DemoCrashTests.CrashRuns runs) : IClassFixture<DemoCrashTests.CrashRuns>
{
    // small enough for 20 children in well under a minute: 8 vats, about 160 cranks in 54 blocks
    private const int Vats = 8, Hops = 2, Upgrades = 2, CommitEvery = 3, SnapshotEvery = 8;

    /// <summary>
    /// Where the child dies, and the demo step it must be in then (a snapshot is saved asynchronously, after its block
    /// is acknowledged, so the step it lands in is not fixed: null). The block and delivery numbers are those of
    /// this demo's size; if the demo changes, the step check says which to move.
    /// </summary>
    private static readonly (string Fault, string? Step)[] Points =
    [
        ("commit-before:1", "starting the vats"),                       // before the first block: nothing stored
        ("commit-after:2", "starting the vats"),                        // vats started and stored, the ring not linked (issue 9, item 1)
        ("commit-after:3", "linking"),                                  // the link messages queued and stored, not yet delivered
        ("delivery:link:4", "linking"),                                 // mid-block, inside a link delivery
        ("snapshot-before:1", null),                                    // blocks 1-8 stored, block 8's snapshot not
        ("snapshot-after:2", null),                                     // block 16's snapshot stored, block 8's not yet deleted
        ("delivery:relay:9", "relaying"),                               // mid-block, inside a relay
        ("commit-after:36", "relaying"),                                // the relays done, the next step not queued
        ("delivery:offer:2", "preparing node0004"),
        ("delivery:bringOutYourDead:1", "upgrading"),                   // inside the first upgrade, old incarnation
        ("delivery:startVat@demo-v2:2", "upgrading"),                   // inside the second upgrade, new incarnation
        ("commit-after:47", "upgrading"),
        ("snapshot-before:6", null),                                    // block 48's snapshot
        ("delivery:settleOffered:1", "withdrawing the offers"),
        ("commit-before:51", "withdrawing the offers"),
        ("commit-after:53", "recording round 1 as finished"),          // the round's last record queued, not delivered
    ];

    public static TheoryData<string, string?> KillPoints()
    {
        var data = new TheoryData<string, string?>();
        foreach (var (fault, step) in Points) data.Add(fault, step);
        return data;
    }

    [Theory]
    [MemberData(nameof(KillPoints))]
    public async Task A_demo_killed_at_any_point_is_finished_by_the_next_run_in_the_state_of_an_uninterrupted_run(string fault, string? step)
    {
        var (db, killed) = await runs.KilledAsync(fault);
        var marker = killed.Out.Split('\n').SingleOrDefault(l => l.StartsWith("crash-host: killed at ", StringComparison.Ordinal))?.TrimEnd();
        Assert.True(marker is not null && killed.ExitCode != 0, $"the child did not die at {fault} (exit code {killed.ExitCode}):\n{killed.Out}{killed.Err}");
        Assert.DoesNotContain("crash-host: finished", killed.Out, StringComparison.Ordinal);
        if (step is not null)
            Assert.True(marker.StartsWith($"crash-host: killed at {fault} during: {step}", StringComparison.Ordinal), $"expected the kill during '{step}':\n{killed.Out}");

        var restarted = await RunDemoAsync(db);
        Assert.Equal(1, restarted.Round);
        // a run killed before the set-up's first step was stored has no round to resume: the restart begins it
        Assert.Equal(fault is not ("commit-before:1" or "commit-after:2"), restarted.Resumed);
        Assert.True(restarted.Audit.IsClean, restarted.Audit.ToString());
        AssertSameState(runs.Uninterrupted, restarted.Dump);
        AssertSameTranscripts(runs.UninterruptedTranscripts, db);

        // and what the restart committed reads back as that state
        AssertSameState(runs.Uninterrupted, await ReadStoredAsync(db));
        AssertSameTranscripts(runs.UninterruptedTranscripts, db);
    }

    [Fact]
    public async Task A_run_killed_after_its_last_block_had_finished_its_round_and_the_next_run_begins_another()
    {
        var fault = $"commit-after:{runs.Blocks}";
        var (db, killed) = await runs.KilledAsync(fault);
        Assert.Contains($"crash-host: killed at {fault} during: recording round 1 as finished", killed.Out, StringComparison.Ordinal);

        var next = await RunDemoAsync(db);
        Assert.Equal((2L, true, false), (next.Round, next.Continued, next.Resumed));
        Assert.True(next.Audit.IsClean, next.Audit.ToString());
    }

    [Fact]
    public async Task A_restart_killed_in_its_turn_is_finished_by_the_one_after()
    {
        var (db, killed) = await runs.KilledAsync("commit-after:20");
        Assert.Contains("crash-host: killed at commit-after:20 during: relaying", killed.Out, StringComparison.Ordinal);
        // the second process resumes the round, and dies inside its first upgrade
        var again = await runs.RunAsync(db, "--fault", "delivery:startVat@demo-v2:1");
        Assert.Contains("crash-host: killed at delivery:startVat@demo-v2:1 during: upgrading", again.Out, StringComparison.Ordinal);
        Assert.Contains("resuming round 1", again.Out, StringComparison.Ordinal);

        var restarted = await RunDemoAsync(db);
        Assert.Equal((1L, true), (restarted.Round, restarted.Resumed));
        Assert.True(restarted.Audit.IsClean, restarted.Audit.ToString());
        AssertSameState(runs.Uninterrupted, restarted.Dump);
        AssertSameTranscripts(runs.UninterruptedTranscripts, db);
    }

    /// <summary>
    /// The children: one uninterrupted run (its dump is the expected state) and one per kill point. They start when
    /// the class does, one more at a time than there are cores, and run while the tests restart the ones before.
    /// </summary>
    public sealed class CrashRuns : IAsyncLifetime
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("swingset-crash-").FullName;
        // one more than the cores: a child waits on its disk writes part of the time
        private readonly SemaphoreSlim _slots = new(Math.Max(2, Environment.ProcessorCount) + 1);
        private readonly ConcurrentDictionary<string, Task<(string Db, ChildRun Run)>> _killed = new(StringComparer.Ordinal);

        /// <summary>The final dump of the uninterrupted run.</summary>
        public IReadOnlyDictionary<string, string> Uninterrupted { get; private set; } = new Dictionary<string, string>();

        /// <summary>The transcript tables of the uninterrupted run's database at its end.</summary>
        internal StoredTranscripts UninterruptedTranscripts { get; private set; } = new([], [], 0);

        /// <summary>The blocks the uninterrupted run wrote, its last commit included.</summary>
        public int Blocks { get; private set; }

        public async Task InitializeAsync()
        {
            var dumpFile = Path.Combine(_dir, "uninterrupted.json");
            var uninterrupted = RunAsync(Path.Combine(_dir, "uninterrupted.db"), "--dump", dumpFile);
            foreach (var (fault, _) in Points) _ = KilledAsync(fault);
            var run = await uninterrupted;
            Assert.True(run.ExitCode == 0 && run.Out.Contains("crash-host: finished round 1: audit clean", StringComparison.Ordinal), run.Out + run.Err);
            Blocks = run.Out.Split('\n').Count(l => l.StartsWith("crash-host: block ", StringComparison.Ordinal));
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(dumpFile));
            Uninterrupted = json.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
            UninterruptedTranscripts = KernelDatabase.ReadTranscripts(Path.Combine(_dir, "uninterrupted.db"));
            Assert.Equal((long)Blocks, UninterruptedTranscripts.AppliedBlock);
        }

        /// <summary>The child killed at <paramref name="fault"/> (started now if it was not yet), and its database.</summary>
        public Task<(string Db, ChildRun Run)> KilledAsync(string fault) => _killed.GetOrAdd(fault, async f =>
        {
            var db = Path.Combine(_dir, f.Replace(':', '-').Replace('@', '-') + ".db");
            return (db, await RunAsync(db, "--fault", f));
        });

        /// <summary>Runs the crash host on <paramref name="db"/> with <paramref name="extra"/> arguments.</summary>
        public async Task<ChildRun> RunAsync(string db, params string[] extra)
        {
            await _slots.WaitAsync();
            try
            {
                return await RunCrashHostAsync(db, extra);
            }
            finally
            {
                _slots.Release();
            }
        }

        public async Task DisposeAsync()
        {
            // a test that failed early leaves children running: wait for them (each ends by itself) before deleting
            await Task.WhenAll(_killed.Values).ContinueWith(_ => { }, TaskScheduler.Default);
            SqliteConnection.ClearAllPools();
            Directory.Delete(_dir, recursive: true);
            _slots.Dispose();
        }
    }

    /// <summary>How a child ended.</summary>
    public sealed record ChildRun(int ExitCode, string Out, string Err);

    private static void AssertSameState(IReadOnlyDictionary<string, string> expected, IReadOnlyDictionary<string, string> actual)
    {
        var diff = KernelStateDump.Diff(expected, actual);
        Assert.True(diff.Count == 0, $"{diff.Count} keys differ from the uninterrupted run:\n{string.Join('\n', diff.Take(40))}");
    }

    /// <summary>
    /// The transcript tables of <paramref name="db"/> hold exactly what the uninterrupted run's do: the same spans and
    /// the same items, byte for byte (the block numbers differ: a restart commits blocks of its own).
    /// </summary>
    private static void AssertSameTranscripts(StoredTranscripts expected, string db)
    {
        var actual = KernelDatabase.ReadTranscripts(db);
        Assert.Equal(expected.Spans, actual.Spans);
        var diff = expected.Items.Except(actual.Items).Select(i => $"missing {i.VatId}.{i.Position}@{i.Incarnation}: {i.Item}")
            .Concat(actual.Items.Except(expected.Items).Select(i => $"extra {i.VatId}.{i.Position}@{i.Incarnation}: {i.Item}")).ToList();
        Assert.True(diff.Count == 0, $"{diff.Count} transcript items differ from the uninterrupted run:\n{string.Join('\n', diff.Take(40))}");
        Assert.Equal(expected.Items, actual.Items);
    }

    private static Config Storage(string db) =>
        ConfigurationFactory.ParseString($"akka.loglevel = WARNING\nactorswingset.persistence.snapshot-every-blocks = {SnapshotEvery}")
            .WithFallback(SqliteStorage.Config(db, CommitEvery));

    /// <summary>The restart: the demo on the stored kernel, as <c>swingset demo --db</c> runs it, then its last commit.</summary>
    private static async Task<DemoResult> RunDemoAsync(string db)
    {
        using var system = ActorSystem.Create("restart", Storage(db));
        var c = SwingSetController.Start(system, DemoScenario.Config(Vats));
        var result = await DemoScenario.RunAsync(c, Hops, Upgrades);
        await c.StopAsync();
        await system.Terminate();
        return result;
    }

    private static async Task<IReadOnlyDictionary<string, string>> ReadStoredAsync(string db)
    {
        using var system = ActorSystem.Create("reopen", Storage(db));
        var c = SwingSetController.Start(system, DemoScenario.Config(Vats));
        var dump = await c.DumpAsync();
        await c.StopAsync(commit: false);
        await system.Terminate();
        return dump;
    }

    /// <summary>
    /// Runs the crash host to its exit. The exit is the signal; the bound only turns a hung child into a clear failure.
    /// </summary>
    private static async Task<ChildRun> RunCrashHostAsync(string db, params string[] extra)
    {
        // this assembly runs from tests/ActorSwingSet.Tests/bin/{Configuration}/{TargetFramework}/; the test project
        // references the crash host, so it is built in the same configuration, in its own output folder
        var output = new DirectoryInfo(AppContext.BaseDirectory);
        var host = Path.Combine(output.Parent!.Parent!.Parent!.Parent!.FullName, "ActorSwingSet.CrashHost", "bin", output.Parent.Name, output.Name, "ActorSwingSet.CrashHost.dll");
        Assert.True(File.Exists(host), $"the crash host is not built: {host}");
        string[] args = ["exec", host, "--db", db, "--vats", $"{Vats}", "--hops", $"{Hops}", "--upgrades", $"{Upgrades}",
            "--commit-every", $"{CommitEvery}", "--snapshot-every", $"{SnapshotEvery}", .. extra];
        var start = new ProcessStartInfo("dotnet", args) { RedirectStandardOutput = true, RedirectStandardError = true };
        // a child lives about a second: without profile-guided and call-counted re-JIT it spends about a sixth less CPU
        start.Environment["DOTNET_TieredPGO"] = "0";
        start.Environment["DOTNET_TC_CallCountingDelayMs"] = "10000";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var bound = TimeSpan.FromMinutes(5);
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the crash host ({string.Join(' ', extra)}) did not exit within {bound}:\n{await stdout}");
        }
        return new ChildRun(process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>The crash tests run alone, after the parallel tests: each starts about twenty processes.</summary>
[CollectionDefinition(nameof(DemoCrashTests), DisableParallelization = true)]
public sealed class DemoCrashTestsCollection;
