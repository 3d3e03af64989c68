using Akka.Actor;
using Akka.Configuration;
using ActorSwingSet.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit;
using static ActorSwingSet.Tests.Support.Probe;

namespace ActorSwingSet.Tests.Persistence;

/// <summary>The kernel on SQLite: blocks committed by the host survive a crash, and nothing else does.</summary>
[Collection(ConsoleCapture.Name)]
public sealed class DurableKernelTests : ScratchDirectoryTest
{
    private readonly ProbeLog _log = new();

    /// <summary>Runs one SQL statement on the database behind the kernel's back (to break or mend its storage).</summary>
    private static long Sql(string db, string statement)
    {
        using var conn = new SqliteConnection($"Data Source={db};Pooling=False");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = statement;
        return Convert.ToInt64(cmd.ExecuteScalar() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }

    private (ActorSystem System, SwingSetController Controller) Boot(string db, long commitEvery = 0, bool legacyUpgradeLeak = false, int snapshotEvery = 100)
    {
        var config = ConfigurationFactory.ParseString($"akka.loglevel = WARNING\nactorswingset.persistence.snapshot-every-blocks = {snapshotEvery}")
            .WithFallback(SqliteStorage.Config(db, commitEvery));
        var system = ActorSystem.Create("durable" + Guid.NewGuid().ToString("N"), config);
        return (system, SwingSetController.Start(system, Config(_log, "A", "B") with { ReproduceUpgradeLeakBug9039 = legacyUpgradeLeak }));
    }

    [Fact]
    public async Task State_damaged_by_the_old_kernel_is_refused_until_upgrade_state_repairs_it_once()
    {
        var db = Path.Combine(Dir, "leaky.db");
        var (legacy, old) = Boot(db, legacyUpgradeLeak: true);
        await old.RunAsync();
        var leaked = await old.QueueToVatRootAsync("A", "hang");
        await old.ReleasePromiseAsync(leaked);
        await old.RunAsync();
        await old.UpgradeVatAsync("A", "probe-v2:A");
        await old.RunAsync();
        await old.CommitAsync();
        Assert.Equal("2", (await old.DumpAsync())["version"]);
        await legacy.Terminate();

        var (refusing, fixedKernel) = Boot(db);
        var refusal = await Assert.ThrowsAsync<KernelPanicException>(() => fixedKernel.GetStatsAsync());
        Assert.Contains("swingset upgrade-state --db", refusal.Message, StringComparison.Ordinal);
        await refusing.Terminate();
        SqliteConnection.ClearAllPools();

        var demoErr = new StringWriter();
        var oldErr = Console.Error;
        Console.SetError(demoErr);
        try { Assert.Equal(2, await ActorSwingSet.Cli.Program.Main(["demo", "--db", db])); } // the CLI refuses in one line too
        finally { Console.SetError(oldErr); }
        Assert.Contains("swingset upgrade-state", Assert.Single(demoErr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        SqliteConnection.ClearAllPools();

        Assert.Equal(0, await ActorSwingSet.Cli.Program.Main(["upgrade-state", "--db", db]));
        SqliteConnection.ClearAllPools();
        Assert.Equal(0, await ActorSwingSet.Cli.Program.Main(["upgrade-state", "--db", db])); // idempotent
        SqliteConnection.ClearAllPools();

        var (system, c) = Boot(db);
        var held = await c.DumpAsync();
        Assert.Equal("3", held["version"]);
        Assert.Contains($"\"kpid\":\"{leaked}\"", held["upgradeEvents"], StringComparison.Ordinal);
        Assert.Equal(1, await c.InjectQueuedUpgradeEventsAsync());
        await c.RunAsync();
        Assert.Empty(KeysFor(await c.DumpAsync(), leaked));
        await AssertAuditClean(c);
        await system.Terminate();
    }

    [Fact]
    public async Task Committed_blocks_survive_a_crash_and_uncommitted_cranks_do_not()
    {
        var db = Path.Combine(Dir, "kernel.db");
        var (system, c) = Boot(db);
        await c.RunAsync();
        var bRoot = (await c.GetVatInfoAsync("B")).Root;
        await c.QueueToVatRootAsync("A", CallWith("makeAndSend", bRoot));
        var echo = await c.QueueToVatRootAsync("A", "echo", "kept");
        await c.RunAsync();
        Assert.Equal("kept", (await c.GetPromiseAsync(echo)).Value);
        await ReleaseHostHeldAsync(c); // a restart would release them: let go first, so the states compare
        Assert.Equal(1, await c.CommitAsync());
        var committed = await c.DumpAsync();

        await c.QueueToVatRootAsync("A", "selfWatch");
        await c.UpgradeVatAsync("A", "probe-v2:A");
        await c.RunAsync();
        Assert.NotEmpty(KernelStateDump.Diff(committed, await c.DumpAsync()));
        await system.Terminate(); // a crash: the last block was never committed

        var (again, c2) = Boot(db);
        Assert.Empty(KernelStateDump.Diff(committed, await c2.DumpAsync()));
        await AssertAuditClean(c2);

        // the kernel carries on from the committed state, and its next block is block 2
        await c2.UpgradeVatAsync("A", "probe-v2:A");
        await c2.RunAsync();
        await ReleaseHostHeldAsync(c2);
        Assert.Equal(2, await c2.CommitAsync());
        var second = await c2.DumpAsync();
        await again.Terminate();

        var (third, c3) = Boot(db);
        Assert.Empty(KernelStateDump.Diff(second, await c3.DumpAsync()));
        Assert.Equal("1", second["v1.incarnationNumber"]);
        await AssertAuditClean(c3);
        await third.Terminate();
    }

    [Fact]
    public async Task Scan_then_repair_on_a_stored_kernel_fixes_exactly_the_verified_claims()
    {
        var db = Path.Combine(Dir, "careless.db");
        var (system, c) = Boot(db);
        await c.RunAsync();
        var bRoot = (await c.GetVatInfoAsync("B")).Root;
        await c.QueueToVatRootAsync("A", CallWith("makeAndSendQuietly", bRoot)); // B holds A's promise, never subscribes
        await c.RunAsync();
        await c.QueueToVatRootAsync("A", "settleMade", false);
        await c.RunAsync();
        await c.CommitAsync();
        var kp = CList(await c.DumpAsync(), "v2", "p-60")!;
        await system.Terminate();
        SqliteConnection.ClearAllPools();

        var scanJson = Path.Combine(Dir, "scan.json");
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var output = new StringWriter();
        Console.SetOut(output);
        try { Assert.Equal(1, await ActorSwingSet.Cli.Program.Main(["scan", "--db", db, "--json"])); } // 1: damage found
        finally { Console.SetOut(oldOut); }
        await File.WriteAllTextAsync(scanJson, output.ToString());
        Assert.Contains($"\"kpid\":\"{kp}\"", output.ToString(), StringComparison.Ordinal);
        SqliteConnection.ClearAllPools();

        var repairOut = new StringWriter();
        Console.SetOut(repairOut);
        try { Assert.Equal(1, await ActorSwingSet.Cli.Program.Main(["repair", "--db", db, "--claims", scanJson, "--claim", "v1:kp999"])); } // 1: a claim refused
        finally { Console.SetOut(oldOut); Console.SetError(oldErr); }
        Assert.Contains($"v2 {kp}: repaired", repairOut.ToString(), StringComparison.Ordinal);
        Assert.Contains("v1 kp999: refused: kp999 does not exist", repairOut.ToString(), StringComparison.Ordinal);
        SqliteConnection.ClearAllPools();

        var (again, c2) = Boot(db);
        await c2.RunAsync();
        Assert.Null(CList(await c2.DumpAsync(), "v2", "p-60"));
        await AssertAuditClean(c2);
        await again.Terminate();
    }

    [Fact]
    public async Task Stopping_during_a_run_ends_the_run_and_commits_everything_it_did()
    {
        var db = Path.Combine(Dir, "stop.db");
        var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING\nactorswingset.kernel.run-slice = 3").WithFallback(SqliteStorage.Config(db));
        var system = ActorSystem.Create("stop" + Guid.NewGuid().ToString("N"), config);
        var c = SwingSetController.Start(system, Config(_log, "A", "B"));
        await c.RunAsync();
        var before = (await c.GetStatsAsync()).CrankNumber;
        await c.QueueToVatRootAsync("A", KCapDataPing((await c.GetVatInfoAsync("B")).Root, 300));
        var run = c.RunAsync();
        // stop once the run has begun: a request is served between slices, and the slice after the first stats
        // request is queued before the second, so this waits for at most two answers whatever the machine's speed
        while ((await c.GetStatsAsync()).CrankNumber == before) { }
        await c.StopAsync();
        var ran = await run;                       // the run is answered with what it did, not cut off
        Assert.True(ran > 0, "the run was stopped before it began");
        Assert.True(c.WhenStopped.IsCompleted);
        await system.Terminate();
        SqliteConnection.ClearAllPools();

        var (again, c2) = Boot(db);
        Assert.Equal(before + ran, (await c2.GetStatsAsync()).CrankNumber);   // and all of it was committed
        await AssertAuditClean(c2);
        await again.Terminate();
    }

    [Fact]
    public async Task Recovery_starts_from_the_latest_snapshot_and_replays_only_the_blocks_after_it()
    {
        var db = Path.Combine(Dir, "snap.db");
        var (system, c) = Boot(db, snapshotEvery: 2);
        await c.RunAsync();
        var bRoot = (await c.GetVatInfoAsync("B")).Root;
        for (var i = 0; i < 5; i++)
        {
            await c.QueueToVatRootAsync("A", KCapDataPing(bRoot, 3));
            await c.RunAsync();
            await ReleaseHostHeldAsync(c);
            await c.CommitAsync();
        }
        var committed = await c.DumpAsync();
        // snapshots are saved, and older ones deleted, asynchronously: wait (without sleeping) until only block 4's is left
        Assert.True(SpinWait.SpinUntil(() => Sql(db, "SELECT count(*) = 1 AND max(sequence_number) = 4 FROM snapshot") == 1, TimeSpan.FromSeconds(30)),
            "the snapshot of block 4 was not saved, or older snapshots were not deleted");
        await system.Terminate();
        SqliteConnection.ClearAllPools();

        Assert.Equal(4, Sql(db, "SELECT max(sequence_number) FROM snapshot"));   // the newest one (block 4) is kept
        Assert.Equal(5, Sql(db, "SELECT count(*) FROM journal"));

        var (again, c2) = Boot(db, snapshotEvery: 2);
        Assert.Empty(KernelStateDump.Diff(committed, await c2.DumpAsync()));
        await AssertAuditClean(c2);
        await again.Terminate();
    }

    [Fact]
    public async Task A_snapshot_that_cannot_be_saved_costs_only_a_longer_replay()
    {
        var db = Path.Combine(Dir, "nosnap.db");
        var (system, c) = Boot(db, snapshotEvery: 1);
        await c.RunAsync();
        await c.CommitAsync(); // block 1 and its snapshot
        Sql(db, "ALTER TABLE snapshot RENAME TO snapshot_away"); // snapshots now fail to save; blocks must still commit
        var bRoot = (await c.GetVatInfoAsync("B")).Root;
        for (var i = 0; i < 3; i++)
        {
            await c.QueueToVatRootAsync("A", KCapDataPing(bRoot, 2));
            await c.RunAsync();
            await ReleaseHostHeldAsync(c);
            Assert.Equal(i + 2, await c.CommitAsync());
        }
        var committed = await c.DumpAsync();
        await system.Terminate();
        Sql(db, "ALTER TABLE snapshot_away RENAME TO snapshot");
        SqliteConnection.ClearAllPools();

        var (again, c2) = Boot(db, snapshotEvery: 1); // from the block-1 snapshot plus blocks 2-4
        Assert.Empty(KernelStateDump.Diff(committed, await c2.DumpAsync()));
        await AssertAuditClean(c2);
        await again.Terminate();
    }

    [Fact]
    public async Task With_commit_every_N_cranks_a_run_commits_on_its_own()
    {
        var db = Path.Combine(Dir, "auto.db");
        var (system, c) = Boot(db, commitEvery: 4);
        await c.RunAsync();
        var bRoot = (await c.GetVatInfoAsync("B")).Root;
        await c.QueueToVatRootAsync("A", KCapDataPing(bRoot, 10));
        await c.RunAsync();
        var cranks = (await c.GetStatsAsync()).CrankNumber;
        await system.Terminate();

        var (again, c2) = Boot(db, commitEvery: 4);
        var recovered = (await c2.GetStatsAsync()).CrankNumber;
        Assert.Equal(cranks - cranks % 4, recovered);
        await c2.RunAsync(); // the rest is redone, deterministically
        Assert.Equal(cranks, (await c2.GetStatsAsync()).CrankNumber);
        await AssertAuditClean(c2);
        await again.Terminate();
    }

    [Fact]
    public async Task A_crash_after_any_crank_of_a_block_comes_back_to_the_committed_state_and_redoes_the_block_identically()
    {
        var db = Path.Combine(Dir, "steps.db");
        var (system, c) = Boot(db);
        await c.RunAsync();
        var bRoot = (await c.GetVatInfoAsync("B")).Root;
        var exported = await c.QueueToVatRootAsync("B", "exportObject");
        await c.RunAsync();
        // the block ahead holds deliveries, syscalls, notifies, GC and an upgrade
        await c.QueueToVatRootAsync("A", CallWith("makeAndSend", bRoot));
        await c.QueueToVatRootAsync("A", "selfWatch");
        await c.QueueToVatRootAsync("A", KCapDataPing(bRoot, 3));
        await c.QueueToVatRootAsync("A", CallWith("keep", (await c.GetPromiseAsync(exported)).Data!.Slots[0]));
        await c.ReleasePromiseAsync(exported);
        await c.QueueToVatRootAsync("A", "dropKept");
        await c.UpgradeVatAsync("A", "probe-v2:A");
        await ReleaseHostHeldAsync(c); // the queued work holds its own references; a restart would drop the host's
        await c.CommitAsync();
        var committed = await c.DumpAsync();
        var total = await c.RunAsync();
        var finished = await c.DumpAsync();
        await system.Terminate();
        Assert.True(total > 20, $"{total} cranks");

        for (var k = 0; k <= total; k++)
        {
            SqliteConnection.ClearAllPools();
            var (crashing, c1) = Boot(db);
            Assert.Empty(KernelStateDump.Diff(committed, await c1.DumpAsync()));
            Assert.Equal(k, await c1.RunAsync(k));
            await crashing.Terminate(); // a crash k cranks into the block
        }
        SqliteConnection.ClearAllPools();
        var (again, c2) = Boot(db);
        Assert.Empty(KernelStateDump.Diff(committed, await c2.DumpAsync()));
        await c2.RunAsync();
        Assert.Empty(KernelStateDump.Diff(finished, await c2.DumpAsync()));
        await AssertAuditClean(c2);
        await again.Terminate();
    }

    [Fact]
    public async Task A_journal_write_that_fails_stops_the_kernel_cleanly_and_the_stored_state_stays_as_committed()
    {
        var db = Path.Combine(Dir, "failing.db");
        var (system, c) = Boot(db);
        await c.RunAsync();
        var echo = await c.QueueToVatRootAsync("A", "echo", 1);
        await c.RunAsync();
        Assert.Equal(1L, (await c.GetPromiseAsync(echo)).Value);
        await ReleaseHostHeldAsync(c);
        Assert.Equal(1, await c.CommitAsync());
        var committed = await c.DumpAsync();

        // the storage breaks underneath the kernel
        Sql(db, "ALTER TABLE journal RENAME TO journal_gone");
        await c.QueueToVatRootAsync("A", "echo", 2);
        await c.RunAsync();
        var failure = await Assert.ThrowsAsync<KernelPanicException>(() => c.CommitAsync());
        Assert.Contains("could not be committed", failure.Message, StringComparison.Ordinal);
        // it runs nothing more and says why
        await Assert.ThrowsAsync<KernelPanicException>(() => c.QueueToVatRootAsync("A", "echo", 3));
        await Assert.ThrowsAsync<KernelPanicException>(() => c.RunAsync());
        await system.Terminate();

        // repaired storage: the kernel comes back exactly as committed
        Sql(db, "ALTER TABLE journal_gone RENAME TO journal");
        var (again, c2) = Boot(db);
        Assert.Empty(KernelStateDump.Diff(committed, await c2.DumpAsync()));
        await again.Terminate();
    }

    private static KCapData KCapDataPing(Kref target, int n) =>
        KCapData.Of(SmallCaps.Methargs("ping", new SlotRef(0, false, "B"), n), target);
}
