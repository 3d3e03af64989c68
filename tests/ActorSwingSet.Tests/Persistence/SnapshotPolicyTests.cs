using Akka.Actor;
using Akka.Configuration;
using ActorSwingSet.Persistence;
using ActorSwingSet.Schema;
using ActorSwingSet.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit;
using static ActorSwingSet.Tests.Support.Probe;

namespace ActorSwingSet.Tests.Persistence;

/// <summary>
/// Snapshots by written volume: the journal snapshots once the blocks since the last snapshot have written as much
/// as the state holds, so recovery reads about one state's worth of blocks whatever the block count.
/// </summary>
public sealed class SnapshotPolicyTests : ScratchDirectoryTest
{
    private readonly ProbeLog _log = new();

    [Fact]
    public void The_policy_snapshots_by_block_count_and_once_the_written_volume_reaches_the_state_and_the_floor()
    {
        var byVolume = new SnapshotPolicy(EveryBlocks: 0, MinVolume: 1000);
        Assert.False(byVolume.IsDue(block: 7, writtenSinceSnapshot: 999, stateVolume: 10));     // under the floor
        Assert.True(byVolume.IsDue(block: 7, writtenSinceSnapshot: 1000, stateVolume: 10));
        Assert.False(byVolume.IsDue(block: 7, writtenSinceSnapshot: 4999, stateVolume: 5000));  // under the state's size
        Assert.True(byVolume.IsDue(block: 7, writtenSinceSnapshot: 5000, stateVolume: 5000));
        var both = new SnapshotPolicy(EveryBlocks: 4, MinVolume: 1000);
        Assert.True(both.IsDue(block: 8, writtenSinceSnapshot: 1, stateVolume: 5000));
        Assert.False(both.IsDue(block: 9, writtenSinceSnapshot: 1, stateVolume: 5000));

        Assert.Equal(SnapshotPolicy.DefaultMinVolume, KernelSettings.FromConfig(null).Persistence.SnapshotMinVolume);
        Assert.Equal(5, KernelSettings.FromConfig(ConfigurationFactory.ParseString("actorswingset.persistence.snapshot-min-volume = 5")).Persistence.SnapshotMinVolume);
        var refused = Assert.Throws<ArgumentException>(
            () => KernelSettings.FromConfig(ConfigurationFactory.ParseString("actorswingset.persistence.snapshot-min-volume = 0")));
        Assert.Equal("actorswingset.persistence.snapshot-min-volume must be at least 1", refused.Message);
    }

    [Fact]
    public void A_state_knows_its_volume_through_sets_deletes_and_entity_deletes()
    {
        var state = new KvState();
        state.Apply([KvWrite.Set("kp40.state", "unresolved"), KvWrite.Set("kp40.refCount", "1"), KvWrite.Set("crankNumber", "12")]);
        state.Apply([KvWrite.Set("kp40.refCount", "10"), KvWrite.Delete("crankNumber"), KvWrite.Delete("missing")]);
        Assert.Equal(state.ToDictionary().Sum(e => e.Key.Length + e.Value.Length), state.Volume);
        state.Apply([KvWrite.DeleteEntity("kp40")]);
        Assert.Equal(0, state.Volume);
        Assert.Equal(3 + 1 + 4 + 5, KvState.VolumeOf([KvWrite.Set("abc", "d"), KvWrite.Delete("efgh"), KvWrite.DeleteEntity("kp123")]));
    }

    [Fact]
    public async Task The_journal_snapshots_when_the_written_volume_passes_the_state_and_recovery_from_it_matches_the_blocks_alone()
    {
        var db = Path.Combine(Dir, "volume.db");
        Config Hocon() => ConfigurationFactory.ParseString("""
            akka.loglevel = WARNING
            actorswingset.persistence.snapshot-every-blocks = 0
            actorswingset.persistence.snapshot-min-volume = 1
            """).WithFallback(SqliteStorage.Config(db));
        var system = ActorSystem.Create("volume" + Guid.NewGuid().ToString("N"), Hocon());
        var c = SwingSetController.Start(system, Config(_log, "A", "B"));
        await c.RunAsync();
        var bRoot = (await c.GetVatInfoAsync("B")).Root;
        for (var i = 0; i < 12; i++)
        {
            await c.QueueToVatRootAsync("A", Ping(bRoot, 2));
            await c.RunAsync();
            await ReleaseHostHeldAsync(c);
            await c.CommitAsync();
        }
        var committed = await c.DumpAsync();

        // the blocks as stored, and where the policy puts snapshots: the volume written since the last one reaches the state's
        var serializer = new StoredStateSerializer((ExtendedActorSystem)system);
        var replay = new Dictionary<string, string>(StringComparer.Ordinal);
        var expected = new List<long>();
        long written = 0;
        foreach (var (seq, bytes) in Rows(db, "SELECT sequence_number, message FROM journal ORDER BY sequence_number"))
        {
            var block = (BlockCommitted)serializer.FromBinary(bytes, StoredStateSerializer.BlockManifest);
            foreach (var w in block.Writes)
            {
                written += w.Key.Length + (w.Value?.Length ?? 0);
                if (w.Op == KvOp.Set) replay[w.Key] = w.Value!;
                else if (w.Op == KvOp.Delete) replay.Remove(w.Key);
                else foreach (var k in replay.Keys.Where(k => k.StartsWith(w.Key + ".", StringComparison.Ordinal)).ToList()) replay.Remove(k);
            }
            if (written >= replay.Sum(e => (long)e.Key.Length + e.Value.Length))
            {
                expected.Add(seq);
                written = 0;
            }
        }
        Assert.Equal(1, expected[0]);                         // the first block writes the whole state
        Assert.True(expected.Count >= 3, $"snapshots after blocks {string.Join(", ", expected)}");
        Assert.True(expected.Count < 13, "not after every block: small blocks add up first");
        Assert.Equal(replay.OrderBy(e => e.Key, StringComparer.Ordinal), committed.OrderBy(e => e.Key, StringComparer.Ordinal));

        // snapshots are saved, and older ones deleted, asynchronously: wait (without sleeping) for the last one expected
        var last = expected[^1];
        Assert.True(SpinWait.SpinUntil(() => Rows(db, "SELECT sequence_number, snapshot FROM snapshot").Select(r => r.Seq).SequenceEqual([last]), TimeSpan.FromSeconds(30)),
            $"the snapshot of block {last} was not saved, or older snapshots were not deleted");
        await system.Terminate();
        SqliteConnection.ClearAllPools();

        // recovery from the snapshot and the blocks after it, then from the blocks alone, give the committed state
        foreach (var withSnapshot in new[] { true, false })
        {
            if (!withSnapshot) Rows(db, "DELETE FROM snapshot RETURNING sequence_number, snapshot").ToList();
            SqliteConnection.ClearAllPools();
            var again = ActorSystem.Create("again" + Guid.NewGuid().ToString("N"), Hocon());
            var c2 = SwingSetController.Start(again, Config(_log, "A", "B"));
            Assert.Empty(KernelStateDump.Diff(committed, await c2.DumpAsync()));
            await AssertAuditClean(c2);
            await again.Terminate();
        }
        SqliteConnection.ClearAllPools();
        Assert.Empty(Rows(db, "SELECT sequence_number, snapshot FROM snapshot")); // recovery alone writes no snapshot
    }

    private static IEnumerable<(long Seq, byte[] Bytes)> Rows(string db, string sql)
    {
        var rows = new List<(long, byte[])>();
        using var conn = new SqliteConnection($"Data Source={db};Pooling=False");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        while (r.Read()) rows.Add((r.GetInt64(0), (byte[])r[1]));
        return rows;
    }
}
