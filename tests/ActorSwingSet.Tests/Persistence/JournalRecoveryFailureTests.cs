using Akka.Actor;
using Akka.Configuration;
using ActorSwingSet.Tests.Support;
using ActorSwingSet.Tests.Tools;
using Microsoft.Data.Sqlite;
using Xunit;
using static ActorSwingSet.Tests.Support.Probe;

namespace ActorSwingSet.Tests.Persistence;

/// <summary>
/// A journal that cannot recover (a damaged block, a missing block, a damaged snapshot) makes the kernel panic at once
/// with a line naming the block and what is wrong; the controller's first request fails with it instead of waiting.
/// </summary>
public sealed class JournalRecoveryFailureTests : ScratchDirectoryTest
{
    private readonly ProbeLog _log = new();

    private (ActorSystem System, SwingSetController Controller) Boot(string db, int snapshotEvery = 100)
    {
        var config = ConfigurationFactory.ParseString($"akka.loglevel = OFF\nactorswingset.persistence.snapshot-every-blocks = {snapshotEvery}")
            .WithFallback(SqliteStorage.Config(db));
        var system = ActorSystem.Create("recovery" + Guid.NewGuid().ToString("N"), config);
        return (system, SwingSetController.Start(system, Config(_log, "A", "B")));
    }

    /// <summary>A kernel with <paramref name="blocks"/> committed blocks, each after a little work.</summary>
    private async Task<string> StoredKernel(int blocks, int snapshotEvery = 100)
    {
        var db = Path.Combine(Dir, "kernel.db");
        var (system, c) = Boot(db, snapshotEvery);
        for (var i = 0; i < blocks; i++)
        {
            var p = await c.QueueToVatRootAsync("A", "echo", i);
            await c.RunAsync();
            await c.ReleasePromiseAsync(p);
            await c.CommitAsync();
        }
        await system.Terminate();
        SqliteConnection.ClearAllPools();
        return db;
    }

    private static void Sql(string db, string statement)
    {
        using var conn = new SqliteConnection($"Data Source={db};Pooling=False");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = statement;
        cmd.ExecuteNonQuery();
    }

    private async Task<string> FirstRequestPanics(string db)
    {
        var (system, c) = Boot(db);
        try
        {
            var panic = await Assert.ThrowsAsync<KernelPanicException>(() => c.GetStatsAsync());
            Assert.DoesNotContain('\n', panic.Message);
            // it stays panicked: later requests get the same line
            Assert.Equal(panic.Message, (await Assert.ThrowsAsync<KernelPanicException>(() => c.GetStatsAsync())).Message);
            return panic.Message;
        }
        finally
        {
            await system.Terminate();
            SqliteConnection.ClearAllPools();
        }
    }

    [Fact]
    public async Task A_damaged_block_is_named_in_the_panic()
    {
        var db = await StoredKernel(3);
        BadInputMatrixTests.CorruptLastBlock(db);
        var message = await FirstRequestPanics(db);
        Assert.True(message.StartsWith(
            "kernel panic: the journal could not recover the kernel's state: block 3 cannot be recovered: its swingset.block.v1 payload is damaged",
            StringComparison.Ordinal), message);
    }

    [Fact]
    public async Task A_missing_block_is_named_in_the_panic()
    {
        var db = await StoredKernel(3);
        Sql(db, "DELETE FROM journal WHERE sequence_number = 2");
        var message = await FirstRequestPanics(db);
        Assert.EndsWith("block 2 cannot be recovered: the journal has block 3 after block 1", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_block_stored_under_another_number_is_named_in_the_panic()
    {
        var db = await StoredKernel(3);
        Sql(db, "UPDATE journal SET message = CAST(replace(CAST(message AS TEXT), '{\"block\":2,', '{\"block\":7,') AS BLOB) WHERE sequence_number = 2");
        var message = await FirstRequestPanics(db);
        Assert.EndsWith("block 2 cannot be recovered: it says it is block 7", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_damaged_snapshot_makes_the_kernel_panic_at_once()
    {
        var db = await StoredKernel(3, snapshotEvery: 2);
        Sql(db, "UPDATE snapshot SET snapshot = X'7B22626C6F636B223A' WHERE sequence_number = 2"); // {"block": and nothing more
        var message = await FirstRequestPanics(db);
        Assert.True(message.StartsWith(
            "kernel panic: the journal could not recover the kernel's state: the snapshot at block 2 cannot be recovered: "
            + "its swingset.state.v1 payload is damaged",
            StringComparison.Ordinal), message);
    }

    [Fact]
    public async Task A_block_another_process_wrote_meanwhile_is_named_when_the_commit_fails()
    {
        var db = await StoredKernel(2);
        var (system, c) = Boot(db);
        try
        {
            var p = await c.QueueToVatRootAsync("A", "echo", 9);
            await c.RunAsync();
            await c.ReleasePromiseAsync(p);
            // a second kernel on the same file commits its block 3 first
            Sql(db, "INSERT INTO journal (created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid) " +
                    "SELECT created, deleted, persistence_id, 3, message, manifest, identifier, writer_uuid FROM journal WHERE sequence_number = 2");
            var failure = await Assert.ThrowsAnyAsync<Exception>(() => c.CommitAsync());
            Assert.Contains("block 3 (after crank", failure.Message, StringComparison.Ordinal);
            Assert.Contains("another process wrote a block under that number", failure.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', failure.Message);
        }
        finally
        {
            await system.Terminate();
            SqliteConnection.ClearAllPools();
        }
    }
}
