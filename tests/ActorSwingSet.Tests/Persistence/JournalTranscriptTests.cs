using Akka.Actor;
using Akka.Configuration;
using ActorSwingSet.Persistence;
using ActorSwingSet.Schema;
using ActorSwingSet.Tests.Support;
using static ActorSwingSet.Tests.Support.Probe;
using Microsoft.Data.Sqlite;
using Xunit;

namespace ActorSwingSet.Tests.Persistence;

/// <summary>
/// The journal event is the write-ahead log of the transcript tables: the journal applies a block's items after the
/// block is persisted and before anyone hears of it (or snapshots it), and recovery applies again every block the
/// tables lack, so a crash between the two writes leaves the tables as the committed blocks say.
/// </summary>
public sealed class JournalTranscriptTests : ScratchDirectoryTest
{
    private const string Id = "actorswingset-kernel";

    private string Db => Path.Combine(Dir, "kernel.db");

    private static TranscriptItem Item(string vat, long incarnation, long position) =>
        new(vat, incarnation, position, $"{{\"d\":[\"message\",{position}],\"sc\":[[\"vatstoreGet\",\"k\"],\"v\"]}}");

    // three blocks: v1 and v2 deliver, v1 upgrades, then v2 is terminated (its entity deleted)
    private static readonly (KvWrite[] Writes, TranscriptItem[] Items)[] Blocks =
    [
        ([KvWrite.Set("crankNumber", "1"), KvWrite.Set("v1.vs.a", "1")], [Item("v1", 0, 0), Item("v2", 0, 0), Item("v1", 0, 1)]),
        ([KvWrite.Set("crankNumber", "2")], [Item("v1", 1, 2)]),
        ([KvWrite.Set("crankNumber", "3"), KvWrite.DeleteEntity("v2"), KvWrite.DeleteEntity("ko4")], [Item("v2", 0, 1), Item("v1", 1, 3)]),
    ];

    private const string AfterAllBlocks = "v1@0[0,2) v1@1[2,4)* | v1.2@1 v1.3@1";

    private static string Dump(ICommittedTranscripts store) =>
        string.Join(' ', store.Spans().Select(s => $"{s.VatId}@{s.Incarnation}[{s.StartPos},{s.EndPos}){(s.IsCurrent ? "*" : "")}"))
        + " | " + string.Join(' ', store.Items().Select(i => $"{i.VatId}.{i.Position}@{i.Incarnation}"));

    private ActorSystem System() => ActorSystem.Create("journal" + Guid.NewGuid().ToString("N"),
        ConfigurationFactory.ParseString("akka.loglevel = OFF").WithFallback(SqliteStorage.Config(Db)));

    private SqliteTranscriptStore Tables() => new($"Data Source={Db}", keepOldSpans: false);

    /// <summary>A journal on <see cref="Db"/> applying to <paramref name="store"/>, recovered; its committed state.</summary>
    private static async Task<(IActorRef Journal, CommittedState State)> Recover(ActorSystem system, ICommittedTranscripts store, long snapshotEvery = 0)
    {
        var journal = system.ActorOf(KernelJournal.Props(Id, snapshotEvery, transcripts: store));
        return (journal, await journal.Ask<CommittedState>(GetCommittedState.Instance, TimeSpan.FromMinutes(1)));
    }

    private static async Task Commit(IActorRef journal, int block) =>
        await journal.Ask<BlockStored>(new CommitBlock(block + 1, Blocks[block].Writes, Blocks[block].Items), TimeSpan.FromMinutes(1));

    private static async Task Stop(ActorSystem system)
    {
        await system.Terminate();
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task Each_block_s_items_are_applied_with_it_and_a_terminated_vat_s_transcript_goes_with_its_entity()
    {
        var system = System();
        using var tables = Tables();
        var (journal, state) = await Recover(system, tables);
        Assert.Equal(0, state.Block);
        await Commit(journal, 0);
        Assert.Equal("v1@0[0,2)* v2@0[0,1)* | v1.0@0 v1.1@0 v2.0@0", Dump(tables));
        Assert.Equal(1, tables.AppliedBlock);
        await Commit(journal, 1);
        await Commit(journal, 2);
        Assert.Equal(AfterAllBlocks, Dump(tables));
        Assert.Equal(3, tables.AppliedBlock);
        await Stop(system);

        // a restart applies nothing twice
        system = System();
        using var again = Tables();
        Assert.Equal(3, (await Recover(system, again)).State.Block);
        Assert.Equal(AfterAllBlocks, Dump(again));
        await Stop(system);
    }

    [Theory]
    [InlineData(0)] // no snapshots: recovery replays every block
    [InlineData(1)] // a snapshot after each block: the block whose apply failed must not be snapshotted
    public async Task A_crash_between_a_block_s_persist_and_its_apply_is_made_good_by_the_next_recovery(long snapshotEvery)
    {
        var system = System();
        using (var tables = Tables())
        {
            var (journal, _) = await Recover(system, tables, snapshotEvery);
            await Commit(journal, 0);
            await Commit(journal, 1);
        }
        await Stop(system);

        // the third block is persisted, and the process "dies" before its items reach the tables
        system = System();
        using (var tables = Tables())
        {
            var crashing = new CrashBeforeApply(tables);
            var (journal, state) = await Recover(system, crashing, snapshotEvery);
            Assert.Equal(2, state.Block);
            var stopped = journal.WatchAsync();
            var failure = await Assert.ThrowsAsync<JournalWriteFailedException>(() => Commit(journal, 2));
            Assert.Equal("block 3 (after crank 3) is written, but its transcript items could not be applied: the process died here", failure.Message);
            await stopped; // the journal stops, and with it the kernel (KernelActor panics on its Terminated)
            Assert.Equal(2, tables.AppliedBlock);
            Assert.Equal("v1@0[0,2) v1@1[2,3)* v2@0[0,1)* | v1.2@1 v2.0@0", Dump(tables));
        }
        await Stop(system);
        // whatever snapshots were saved (they are saved asynchronously), none is of the block the tables lack
        Assert.True(LastSnapshot() < 3, $"block 3 was snapshotted before its items were applied");

        system = System();
        using (var tables = Tables())
        {
            var (_, state) = await Recover(system, tables, snapshotEvery);
            Assert.Equal(3, state.Block);
            Assert.Equal(3, tables.AppliedBlock);
            Assert.Equal(AfterAllBlocks, Dump(tables));
        }
        await Stop(system);
    }

    [Fact]
    public async Task Tables_that_lost_their_rows_are_rebuilt_from_the_blocks_after_the_recorded_block()
    {
        var system = System();
        using (var tables = Tables())
        {
            var (journal, _) = await Recover(system, tables);
            for (var b = 0; b < Blocks.Length; b++) await Commit(journal, b);
        }
        await Stop(system);
        // as a crash inside the apply's transaction would leave them: nothing of block 1 onward
        Sql("DELETE FROM transcriptItems; DELETE FROM transcriptSpans; UPDATE transcriptBlock SET block = 0");

        system = System();
        using (var tables = Tables())
        {
            await Recover(system, tables);
            Assert.Equal(AfterAllBlocks, Dump(tables));
            Assert.Equal(3, tables.AppliedBlock);
        }
        await Stop(system);
    }

    [Fact]
    public async Task Tables_ahead_of_the_journal_fail_the_recovery()
    {
        var system = System();
        using (var tables = Tables())
        {
            var (journal, _) = await Recover(system, tables);
            await Commit(journal, 0);
        }
        await Stop(system);
        Sql("UPDATE transcriptBlock SET block = 7");

        system = System();
        using (var tables = Tables())
        {
            var probe = new Akka.TestKit.Xunit2.TestKit(system);
            var journal = probe.ChildActorOf(KernelJournal.Props(Id, 0, transcripts: tables));
            probe.Watch(journal);
            journal.Tell(GetCommittedState.Instance, probe.TestActor);
            var failed = probe.FishForMessage<JournalRecoveryFailed>(m => m is JournalRecoveryFailed);
            Assert.Equal("the transcripts are applied up to block 7, but the journal ends at block 1", failed.Problem);
            probe.ExpectTerminated(journal);
        }
        await Stop(system);
    }

    [Fact]
    public async Task An_item_that_does_not_follow_on_fails_the_recovery_naming_its_block()
    {
        var system = System();
        using (var tables = Tables())
        {
            var (journal, _) = await Recover(system, tables);
            await Commit(journal, 0);
        }
        await Stop(system);
        // the tables lost the block's record but not its items: applying it again would put v1's item 0 after item 1
        Sql("UPDATE transcriptBlock SET block = 0");

        system = System();
        using (var tables = Tables())
        {
            var probe = new Akka.TestKit.Xunit2.TestKit(system);
            var journal = probe.ChildActorOf(KernelJournal.Props(Id, 0, transcripts: tables));
            journal.Tell(GetCommittedState.Instance, probe.TestActor);
            var failed = probe.FishForMessage<JournalRecoveryFailed>(m => m is JournalRecoveryFailed);
            Assert.Equal("block 1 cannot be recovered: transcript item 0 of v1 does not follow on from its transcript, which ends at 2", failed.Problem);
        }
        await Stop(system);
    }

    [Fact]
    public async Task A_kernel_whose_transcript_apply_fails_panics_and_the_next_start_applies_the_block()
    {
        var log = new ProbeLog();
        var config = ConfigurationFactory.ParseString("akka.loglevel = OFF").WithFallback(SqliteStorage.Config(Db));
        using (var system = ActorSystem.Create("apply-fails", config))
        {
            var c = SwingSetController.Start(system, Config(log, "A", "B"));
            await c.RunAsync();
            Assert.Equal(1, await c.CommitAsync());
            // from now on the database refuses to record an applied block (a full disk, say)
            Sql("""
                CREATE TRIGGER refuseInsert BEFORE INSERT ON transcriptBlock BEGIN SELECT RAISE(ABORT, 'the disk refused'); END;
                CREATE TRIGGER refuseUpdate BEFORE UPDATE ON transcriptBlock BEGIN SELECT RAISE(ABORT, 'the disk refused'); END;
                """);
            await c.QueueToVatRootAsync("A", "echo", 1);
            await c.RunAsync();
            var panic = await Assert.ThrowsAsync<KernelPanicException>(() => c.CommitAsync());
            Assert.Contains("block 2 (after crank", panic.Message, StringComparison.Ordinal);
            Assert.Contains("is written, but its transcript items could not be applied: SQLite Error 19: 'the disk refused'", panic.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', panic.Message);
            // it stays panicked
            await Assert.ThrowsAsync<KernelPanicException>(() => c.GetStatsAsync());
            await system.Terminate();
        }
        SqliteConnection.ClearAllPools();
        using (var tables = Tables()) Assert.Equal(1, tables.AppliedBlock);

        Sql("DROP TRIGGER refuseInsert; DROP TRIGGER refuseUpdate");
        using (var system = ActorSystem.Create("apply-fails", config))
        {
            var c = SwingSetController.Start(system, Config(log, "A", "B"));
            // the block is in the journal: the kernel recovers at it (its next block is 3), and its apply is made good first
            await AssertAuditClean(c);
            Assert.Equal(3, await c.CommitAsync());
            await c.StopAsync(commit: false);
            await system.Terminate();
        }
        SqliteConnection.ClearAllPools();
        using (var tables = Tables()) Assert.Equal(3, tables.AppliedBlock);
    }

    [Fact]
    public async Task A_kernel_whose_transcript_tables_cannot_be_opened_panics_from_the_start_and_writes_nothing()
    {
        var config = ConfigurationFactory.ParseString("akka.loglevel = OFF").WithFallback(SqliteStorage.Config(Db));
        // a table of that name that is not ours
        Sql("CREATE TABLE transcriptSpans (something TEXT)");
        using var system = ActorSystem.Create("tables-refused", config);
        var c = SwingSetController.Start(system, Config(new ProbeLog(), "A"));
        var panic = await Assert.ThrowsAsync<KernelPanicException>(() => c.GetStatsAsync());
        Assert.Equal("kernel panic: the transcript tables cannot be opened: SQLite Error 1: 'no such column: vatID'", panic.Message);
        Assert.Equal(panic.Message, (await Assert.ThrowsAsync<KernelPanicException>(() => c.CommitAsync())).Message);
        await system.Terminate();
        SqliteConnection.ClearAllPools();
        Assert.Equal(0, LastBlock());
    }

    private long LastBlock()
    {
        using var db = new SqliteConnection($"Data Source={Db};Pooling=False");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT name FROM sqlite_master WHERE name = 'journal'";
        if (cmd.ExecuteScalar() is null) return 0;
        cmd.CommandText = "SELECT COALESCE(MAX(sequence_number), 0) FROM journal";
        return (long)cmd.ExecuteScalar()!;
    }

    private long LastSnapshot()
    {
        using var db = new SqliteConnection($"Data Source={Db};Pooling=False");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT COALESCE(MAX(sequence_number), 0) FROM snapshot";
        return (long)cmd.ExecuteScalar()!;
    }

    private void Sql(string statements)
    {
        using var db = new SqliteConnection($"Data Source={Db};Pooling=False");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = statements;
        cmd.ExecuteNonQuery();
    }

    /// <summary>The tables of a process that dies once a block is persisted, before its items are applied.</summary>
    private sealed class CrashBeforeApply(ICommittedTranscripts tables) : ICommittedTranscripts
    {
        public long AppliedBlock => tables.AppliedBlock;
        public void ApplyBlock(long block, IReadOnlyList<TranscriptItem> items, IReadOnlyList<string> deletedVats) =>
            throw new InvalidOperationException("the process died here");
        public IReadOnlyList<TranscriptItem> ReadSpan(string vatId, long incarnation) => tables.ReadSpan(vatId, incarnation);
        public long EndPosition(string vatId) => tables.EndPosition(vatId);
        public void Append(IReadOnlyList<TranscriptItem> items) => tables.Append(items);
        public void DeleteVat(string vatId) => tables.DeleteVat(vatId);
        public IReadOnlyList<TranscriptSpan> Spans() => tables.Spans();
        public IReadOnlyList<TranscriptItem> Items() => tables.Items();
    }
}
