using System.Text;
using Akka.Actor;
using ActorSwingSet.Persistence;
using ActorSwingSet.Schema;
using ActorSwingSet.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit;

namespace ActorSwingSet.Tests.Persistence;

/// <summary>
/// A block's transcript items in the stored block (swingset.block.v1's optional <c>transcript</c> field), and the two
/// transcript stores, SQLite and memory, held to the same semantics: spans per incarnation, positions that follow on,
/// pruning of old spans unless <c>keep-transcripts</c> is on, a terminated vat forgotten, reads from any thread.
/// </summary>
public sealed class TranscriptStoreTests : ScratchDirectoryTest, IDisposable
{
    private static TranscriptItem Item(string vat, long incarnation, long position, string? json = null) =>
        new(vat, incarnation, position, json ?? $"{{\"d\":[\"message\",\"{vat}\",{position}],\"sc\":[]}}");

    private static readonly KvWrite[] SomeWrites = [KvWrite.Set("crankNumber", "7"), KvWrite.Delete("v1.vs.x"), KvWrite.DeleteEntity("kp3")];

    private static (StoredStateSerializer Serializer, ActorSystem System) Serializer()
    {
        var system = ActorSystem.Create("serializer" + Guid.NewGuid().ToString("N"), "akka.loglevel = OFF");
        return (new StoredStateSerializer((ExtendedActorSystem)system), system);
    }

    [Fact]
    public async Task A_block_with_transcript_items_round_trips_with_each_item_byte_identical()
    {
        var (serializer, system) = Serializer();
        try
        {
            // JSON that a re-serialization would change (spacing, escapes, key order, a number's spelling) must come back as written
            TranscriptItem[] items =
            [
                Item("v1", 0, 0, """{ "d" : ["message", "ko1", {"body":"#\"\\u00e9\"","slots":[]}], "sc":[], "r": 1.50 }"""),
                Item("v1", 0, 1, "{\"z\":1,\"a\":\"tab\\there \u2603\"}"),
                Item("v12", 3, 40, "[]"),
            ];
            var block = new BlockCommitted(5, 7, SomeWrites, items);
            var bytes = serializer.ToBinary(block);
            var back = (BlockCommitted)serializer.FromBinary(bytes, StoredStateSerializer.BlockManifest);
            Assert.Equal((5L, 7L), (back.Block, back.CrankNumber));
            Assert.Equal(SomeWrites, back.Writes);
            Assert.Equal(items, back.Transcript);
            Assert.Equal(items.Select(i => Encoding.UTF8.GetBytes(i.Item)), back.Transcript.Select(i => Encoding.UTF8.GetBytes(i.Item)));
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public async Task A_block_without_items_is_stored_as_before_transcripts_and_an_old_block_reads_with_none()
    {
        var (serializer, system) = Serializer();
        try
        {
            var bytes = serializer.ToBinary(new BlockCommitted(1, 2, SomeWrites, []));
            // the format of blocks written before transcripts: no transcript field at all
            Assert.Equal("""{"block":1,"crank":2,"writes":[["s","crankNumber","7"],["d","v1.vs.x"],["e","kp3"]]}""", Encoding.UTF8.GetString(bytes));
            var old = (BlockCommitted)StoredStateSerializer.Read(bytes, StoredStateSerializer.BlockManifest);
            Assert.Empty(old.Transcript);
            Assert.Equal(SomeWrites, old.Writes);
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Theory]
    [InlineData("""[["v1",0,0]]""", "a transcript item has 3 fields, not 4")]
    [InlineData("""[["v1",0,0,"{}","extra"]]""", "a transcript item has 5 fields, not 4")]
    [InlineData("""[[null,0,0,"{}"]]""", "a transcript item has no vat ID or no item")]
    [InlineData("""[["v1",0,0,null]]""", "a transcript item has no vat ID or no item")]
    [InlineData("""[["v1",0,0,{"not":"a string"}]]""", "payload is damaged")]
    [InlineData("""[["v1","0",0,"{}"]]""", "payload is damaged")]
    [InlineData("""[["v1",0,-1,"{}"]]""", "negative incarnation or position")]
    [InlineData("""[["v1",0,1.5,"{}"]]""", "")]
    [InlineData("""{"v1":[0,0,"{}"]}""", "payload is damaged")]
    [InlineData("\"none\"", "payload is damaged")]
    public async Task A_damaged_transcript_field_is_a_damaged_payload(string transcript, string problem)
    {
        var (serializer, system) = Serializer();
        try
        {
            var bytes = Encoding.UTF8.GetBytes($$"""{"block":1,"crank":2,"writes":[],"transcript":{{transcript}}}""");
            var damaged = Assert.IsType<DamagedPayload>(serializer.FromBinary(bytes, StoredStateSerializer.BlockManifest));
            Assert.Contains(problem, damaged.Problem, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', damaged.Problem);
        }
        finally
        {
            await system.Terminate();
        }
    }

    public static TheoryData<string> Kinds() => new() { "sqlite", "memory" };

    private readonly List<IDisposable> _open = [];

    private ICommittedTranscripts Store(string kind, bool keep = false, string name = "t.db")
    {
        if (kind == "memory") return new MemoryTranscriptStore(keep);
        var store = new SqliteTranscriptStore(new SqliteConnectionStringBuilder { DataSource = Path.Combine(Dir, name) }.ToString(), keep);
        _open.Add(store);
        return store;
    }

    private static string Dump(ICommittedTranscripts store) =>
        string.Join(' ', store.Spans().Select(s => $"{s.VatId}@{s.Incarnation}[{s.StartPos},{s.EndPos}){(s.IsCurrent ? "*" : "")}"))
        + " | " + string.Join(' ', store.Items().Select(i => $"{i.VatId}.{i.Position}@{i.Incarnation}"));

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Items_fill_one_span_per_incarnation_and_a_new_incarnation_prunes_the_older_spans_items(string kind)
    {
        var store = Store(kind);
        Assert.Equal(0, store.EndPosition("v1"));
        Assert.Equal(0, store.AppliedBlock);
        store.ApplyBlock(1, [Item("v1", 0, 0), Item("v2", 0, 0), Item("v1", 0, 1)], []);
        Assert.Equal((2L, 1L, 1L), (store.EndPosition("v1"), store.EndPosition("v2"), store.AppliedBlock));
        Assert.Equal([Item("v1", 0, 0), Item("v1", 0, 1)], store.ReadSpan("v1", 0));

        // the upgrade's first item starts incarnation 1's span at the next position; incarnation 0's items go
        store.ApplyBlock(2, [Item("v1", 0, 2), Item("v1", 1, 3), Item("v1", 1, 4)], []);
        Assert.Equal("v1@0[0,3) v1@1[3,5)* v2@0[0,1)* | v1.3@1 v1.4@1 v2.0@0", Dump(store));
        Assert.Empty(store.ReadSpan("v1", 0));
        Assert.Equal([Item("v1", 1, 3), Item("v1", 1, 4)], store.ReadSpan("v1", 1));
        Assert.Equal(5, store.EndPosition("v1"));
        Assert.Equal(2, store.AppliedBlock);

        // a second upgrade: both older spans stay as records
        store.Append([Item("v1", 2, 5)]);
        Assert.Equal("v1@0[0,3) v1@1[3,5) v1@2[5,6)* v2@0[0,1)* | v1.5@2 v2.0@0", Dump(store));
        Assert.Equal(2, store.AppliedBlock);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void With_keep_transcripts_on_every_spans_items_stay(string kind)
    {
        var store = Store(kind, keep: true);
        store.ApplyBlock(1, [Item("v1", 0, 0), Item("v1", 0, 1), Item("v1", 1, 2), Item("v1", 2, 3)], []);
        Assert.Equal("v1@0[0,2) v1@1[2,3) v1@2[3,4)* | v1.0@0 v1.1@0 v1.2@1 v1.3@2", Dump(store));
        Assert.Equal([Item("v1", 0, 0), Item("v1", 0, 1)], store.ReadSpan("v1", 0));
        Assert.Equal([Item("v1", 1, 2)], store.ReadSpan("v1", 1));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_terminated_vat_is_forgotten_whole_and_the_others_are_kept(string kind)
    {
        var store = Store(kind, keep: true);
        store.ApplyBlock(1, [Item("v1", 0, 0), Item("v1", 1, 1), Item("v2", 0, 0)], []);
        // the block that terminates v1 may carry its last items: they go with it
        store.ApplyBlock(2, [Item("v1", 1, 2)], ["v1"]);
        Assert.Equal("v2@0[0,1)* | v2.0@0", Dump(store));
        Assert.Equal(0, store.EndPosition("v1"));
        Assert.Empty(store.ReadSpan("v1", 1));
        store.DeleteVat("v2");
        Assert.Equal(" | ", Dump(store));
        Assert.Equal(2, store.AppliedBlock);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void An_item_that_does_not_follow_on_applies_nothing_of_its_block(string kind)
    {
        var store = Store(kind);
        store.ApplyBlock(1, [Item("v1", 1, 0)], []);
        var before = Dump(store);
        var gap = Assert.Throws<InvalidOperationException>(() => store.ApplyBlock(2, [Item("v2", 0, 0), Item("v1", 1, 1), Item("v1", 1, 3)], ["v3"]));
        Assert.Equal("transcript item 3 of v1 does not follow on from its transcript, which ends at 2", gap.Message);
        var repeat = Assert.Throws<InvalidOperationException>(() => store.ApplyBlock(2, [Item("v1", 1, 0)], []));
        Assert.Contains("does not follow on", repeat.Message, StringComparison.Ordinal);
        var older = Assert.Throws<InvalidOperationException>(() => store.ApplyBlock(2, [Item("v1", 0, 1)], []));
        Assert.Equal("transcript item 1 of v1 is of incarnation 0, older than its current span's 1", older.Message);
        Assert.Equal((before, 1L), (Dump(store), store.AppliedBlock));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_vats_first_stored_item_may_start_after_position_0(string kind)
    {
        // a vat that had deliveries before its kernel stored transcripts
        var store = Store(kind);
        store.Append([Item("v4", 2, 17), Item("v4", 2, 18)]);
        Assert.Equal("v4@2[17,19)* | v4.17@2 v4.18@2", Dump(store));
        Assert.Equal(19, store.EndPosition("v4"));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Reads_from_other_threads_see_whole_blocks_while_blocks_are_applied(string kind)
    {
        var store = Store(kind);
        const int Blocks = 50;
        var reader = Task.Run(() =>
        {
            // each block adds two items to v1: a reader never sees an odd count, and the count never goes down
            long last = 0;
            while (last < 2 * Blocks)
            {
                var span = store.ReadSpan("v1", 0);
                var end = store.EndPosition("v1");
                Assert.Equal(0, span.Count % 2);
                Assert.True(end >= span.Count && span.Count >= last, $"{end} {span.Count} {last}");
                Assert.Equal(Enumerable.Range(0, span.Count).Select(i => (long)i), span.Select(i => i.Position));
                last = span.Count;
            }
        });
        for (var b = 1; b <= Blocks; b++) store.ApplyBlock(b, [Item("v1", 0, 2 * b - 2), Item("v1", 0, 2 * b - 1)], []);
        await reader;
        Assert.Equal(2 * Blocks, store.EndPosition("v1"));
    }

    [Fact]
    public void The_sqlite_tables_survive_reopening_and_another_connection_reads_them()
    {
        using (var store = new SqliteTranscriptStore($"Data Source={Path.Combine(Dir, "t.db")}", keepOldSpans: false))
            store.ApplyBlock(9, [Item("v1", 0, 0), Item("v1", 1, 1)], []);
        using var again = new SqliteTranscriptStore($"Data Source={Path.Combine(Dir, "t.db")}", keepOldSpans: false);
        Assert.Equal("v1@0[0,1) v1@1[1,2)* | v1.1@1", Dump(again));
        Assert.Equal((9L, 2L), (again.AppliedBlock, again.EndPosition("v1")));
    }

    [Fact]
    public void The_memory_and_sqlite_stores_agree_on_a_long_mixed_history()
    {
        foreach (var keep in new[] { false, true })
        {
            var memory = Store("memory", keep);
            var sqlite = Store("sqlite", keep, $"mixed-{keep}.db");
            var incarnation = new Dictionary<string, long>();
            var position = new Dictionary<string, long>();
            // a fixed, varied history: four vats, upgrades every few items, one vat terminated and a new one begun
            for (var block = 1; block <= 40; block++)
            {
                var items = new List<TranscriptItem>();
                for (var k = 0; k < block % 5; k++)
                {
                    var vat = $"v{(block * 7 + k * 3) % 4 + 1 + (block > 30 ? 4 : 0)}";
                    if ((block + k) % 9 == 0) incarnation[vat] = incarnation.GetValueOrDefault(vat) + 1;
                    items.Add(Item(vat, incarnation.GetValueOrDefault(vat), position.GetValueOrDefault(vat)));
                    position[vat] = position.GetValueOrDefault(vat) + 1;
                }
                string[] deleted = block == 30 ? ["v1", "v2", "v3", "v4"] : [];
                memory.ApplyBlock(block, items, deleted);
                sqlite.ApplyBlock(block, items, deleted);
            }
            Assert.Equal(Dump(sqlite), Dump(memory));
            Assert.Equal(sqlite.Items(), memory.Items());
            Assert.NotEmpty(memory.Items());
        }
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("on", true)]
    [InlineData("off", false)]
    [InlineData("true", true)]
    [InlineData("no", false)]
    public void Keep_transcripts_is_off_unless_switched_on(string? value, bool keep)
    {
        var config = value is null ? null : Akka.Configuration.ConfigurationFactory.ParseString($"actorswingset.persistence.keep-transcripts = {value}");
        Assert.Equal(keep, KernelSettings.FromConfig(config).Persistence.KeepTranscripts);
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("1")]
    [InlineData("\"\"")]
    public void A_keep_transcripts_that_is_neither_on_nor_off_is_refused(string value)
    {
        var refused = Assert.Throws<ArgumentException>(() => KernelSettings.FromConfig(
            Akka.Configuration.ConfigurationFactory.ParseString($"actorswingset.persistence.keep-transcripts = {value}")));
        Assert.StartsWith("actorswingset.persistence.keep-transcripts must be on or off, not '", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_journal_on_sqlite_gets_the_tables_in_its_file_and_any_other_journal_a_memory_store_that_lives_with_its_system()
    {
        var db = Path.Combine(Dir, "kernel.db");
        using (var system = ActorSystem.Create("sqlite", SqliteStorage.Config(db)))
        {
            using var store = Assert.IsType<SqliteTranscriptStore>(TranscriptStores.For(system, "", "k", keepOldSpans: false));
            store.Append([Item("v1", 0, 0)]);
            await system.Terminate();
        }
        using (var reader = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            reader.Open();
            Assert.Equal([Item("v1", 0, 0)], SqliteTranscriptStore.ReadItems(reader, ""));
        }

        using var memory = ActorSystem.Create("memory", "akka.loglevel = OFF");
        var first = Assert.IsType<MemoryTranscriptStore>(TranscriptStores.For(memory, "", "k", keepOldSpans: false));
        // a kernel restarted in the same system (like Akka's in-memory journal, whose events live as long as the system) finds it again
        Assert.Same(first, TranscriptStores.For(memory, "", "k", keepOldSpans: false));
        Assert.NotSame(first, TranscriptStores.For(memory, "", "other", keepOldSpans: false));
        await memory.Terminate();
    }

    public new void Dispose()
    {
        foreach (var d in _open) d.Dispose();
        base.Dispose();
    }
}
