using ActorSwingSet.Schema;
using Microsoft.Data.Sqlite;

namespace ActorSwingSet.Persistence;

/// <summary>
/// Committed transcripts in SQLite tables beside Akka.Persistence.Sql's, in the kernel's own database file (the shapes
/// of SwingSet's transcriptStore; docs/SCHEMA.md, "Transcripts"):
/// <c>transcriptSpans(vatID, startPos, endPos, incarnation, isCurrent)</c>, one row per span, one current per vat;
/// <c>transcriptItems(vatID, position, item, incarnation)</c>; and <c>transcriptBlock</c>, one row: the last block
/// whose items are applied. The tables are created when the store opens. One connection, used under a lock: the
/// journal applies blocks, and vats read from their own threads.
/// </summary>
internal sealed class SqliteTranscriptStore : ICommittedTranscripts, IDisposable
{
    /// <summary>The tables, as created (and as a tool expects them).</summary>
    internal const string Schema = """
        CREATE TABLE IF NOT EXISTS transcriptSpans (
          vatID TEXT NOT NULL,
          startPos INTEGER NOT NULL,
          endPos INTEGER NOT NULL,
          incarnation INTEGER NOT NULL,
          isCurrent INTEGER NOT NULL CHECK (isCurrent IN (0, 1)),
          PRIMARY KEY (vatID, startPos)
        );
        CREATE UNIQUE INDEX IF NOT EXISTS transcriptSpansCurrent ON transcriptSpans (vatID) WHERE isCurrent = 1;
        CREATE TABLE IF NOT EXISTS transcriptItems (
          vatID TEXT NOT NULL,
          position INTEGER NOT NULL,
          item TEXT NOT NULL,
          incarnation INTEGER NOT NULL,
          PRIMARY KEY (vatID, position)
        );
        CREATE TABLE IF NOT EXISTS transcriptBlock (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          block INTEGER NOT NULL
        );
        """;

    private readonly Lock _lock = new();
    private readonly SqliteConnection _db;
    private readonly bool _keepOldSpans;

    /// <summary>
    /// Opens the tables in the database at <paramref name="connectionString"/>, creating them when missing; with
    /// <paramref name="keepOldSpans"/> off, a new incarnation's first item deletes the items of the vat's older spans.
    /// Throws <see cref="SqliteException"/> when the database cannot be opened or written.
    /// </summary>
    public SqliteTranscriptStore(string connectionString, bool keepOldSpans)
    {
        _keepOldSpans = keepOldSpans;
        // not pooled: closing the store closes the file, so SQLite can remove its -wal and -shm files
        _db = new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
        try
        {
            _db.Open();
            Execute(Schema);
            // no fsync of our own per block (about a fifth of the cost of applying on a test disk): the tables need not be
            // durable by themselves, because the journal's block is their write-ahead log and recovery re-applies what
            // they lack. In WAL mode (our databases) NORMAL survives a crash of the process whole; after a power loss
            // only our last commits can be missing, never one followed in the WAL by a synced commit of the journal or
            // snapshot store (a sync covers the whole WAL): so a snapshot, always written after its block's apply, is
            // never durable without that apply. (Not in rollback-journal mode, where NORMAL can risk the file itself.)
            using var mode = Command(_db, "PRAGMA journal_mode", []);
            if (string.Equals(mode.ExecuteScalar() as string, "wal", StringComparison.OrdinalIgnoreCase)) Execute("PRAGMA synchronous = NORMAL");
        }
        catch
        {
            _db.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public long AppliedBlock
    {
        get
        {
            lock (_lock) return ReadAppliedBlock(_db);
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<TranscriptItem> ReadSpan(string vatId, long incarnation)
    {
        lock (_lock)
            return ReadItems(_db, "WHERE vatID = $vat AND incarnation = $incarnation", ("$vat", vatId), ("$incarnation", incarnation));
    }

    /// <inheritdoc/>
    public long EndPosition(string vatId)
    {
        lock (_lock) return Current(vatId)?.EndPos ?? 0;
    }

    /// <inheritdoc/>
    public void Append(IReadOnlyList<TranscriptItem> items) => Apply(null, items, []);

    /// <inheritdoc/>
    public void DeleteVat(string vatId) => Apply(null, [], [vatId]);

    /// <inheritdoc/>
    public void ApplyBlock(long block, IReadOnlyList<TranscriptItem> items, IReadOnlyList<string> deletedVats) => Apply(block, items, deletedVats);

    private void Apply(long? block, IReadOnlyList<TranscriptItem> items, IReadOnlyList<string> deletedVats)
    {
        lock (_lock)
        {
            using var tx = _db.BeginTransaction();
            // each vat's current span is read once and written once per block (and its old span once at an upgrade);
            // the item insert is prepared once: a block of a thousand cranks holds thousands of items
            var spans = new Dictionary<string, TranscriptSpan?>(StringComparer.Ordinal);
            using var insert = _db.CreateCommand();
            insert.CommandText = "INSERT INTO transcriptItems (vatID, position, item, incarnation) VALUES ($vat, $pos, $item, $incarnation)";
            var (vat, pos, json, incarnation) = (insert.Parameters.Add("$vat", SqliteType.Text), insert.Parameters.Add("$pos", SqliteType.Integer),
                insert.Parameters.Add("$item", SqliteType.Text), insert.Parameters.Add("$incarnation", SqliteType.Integer));
            foreach (var item in items)
            {
                if (!spans.TryGetValue(item.VatId, out var current)) current = Current(item.VatId);
                if (TranscriptStores.Misfit(item, current) is { } problem) throw new InvalidOperationException(problem);
                if (current is { } c && c.Incarnation == item.Incarnation)
                {
                    spans[item.VatId] = c with { EndPos = item.Position + 1 };
                }
                else
                {
                    if (current is { } old)
                    {
                        WriteSpan(old with { IsCurrent = false });
                        // every stored item of the vat is older than the new span
                        if (!_keepOldSpans) Execute("DELETE FROM transcriptItems WHERE vatID = $vat", ("$vat", item.VatId));
                    }
                    spans[item.VatId] = new TranscriptSpan(item.VatId, item.Position, item.Position + 1, item.Incarnation, true);
                }
                (vat.Value, pos.Value, json.Value, incarnation.Value) = (item.VatId, item.Position, item.Item, item.Incarnation);
                insert.ExecuteNonQuery();
            }
            foreach (var span in spans.Values) WriteSpan(span!.Value);
            foreach (var vatId in deletedVats)
            {
                Execute("DELETE FROM transcriptItems WHERE vatID = $vat", ("$vat", vatId));
                Execute("DELETE FROM transcriptSpans WHERE vatID = $vat", ("$vat", vatId));
            }
            if (block is { } b) Execute("INSERT INTO transcriptBlock (id, block) VALUES (1, $block) ON CONFLICT (id) DO UPDATE SET block = excluded.block", ("$block", b));
            tx.Commit();
        }
    }

    // a span's row as it now is: new, or grown, or ended
    private void WriteSpan(TranscriptSpan s) => Execute(
        "INSERT INTO transcriptSpans (vatID, startPos, endPos, incarnation, isCurrent) VALUES ($vat, $start, $end, $incarnation, $current)"
        + " ON CONFLICT (vatID, startPos) DO UPDATE SET endPos = excluded.endPos, isCurrent = excluded.isCurrent",
        ("$vat", s.VatId), ("$start", s.StartPos), ("$end", s.EndPos), ("$incarnation", s.Incarnation), ("$current", s.IsCurrent ? 1 : 0));

    private TranscriptSpan? Current(string vatId) =>
        ReadSpans(_db, "WHERE vatID = $vat AND isCurrent = 1", ("$vat", vatId)) is [var c] ? c : null;

    /// <inheritdoc/>
    public IReadOnlyList<TranscriptSpan> Spans()
    {
        lock (_lock) return ReadSpans(_db, "");
    }

    /// <inheritdoc/>
    public IReadOnlyList<TranscriptItem> Items()
    {
        lock (_lock) return ReadItems(_db, "");
    }

    /// <summary>Closes the connection.</summary>
    public void Dispose()
    {
        lock (_lock) _db.Dispose();
    }

    private void Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using var cmd = Command(_db, sql, parameters);
        cmd.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteConnection db, string sql, (string Name, object Value)[] parameters)
    {
        var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        return cmd;
    }

    /// <summary>The last block whose items <paramref name="db"/>'s tables hold (0 for none).</summary>
    internal static long ReadAppliedBlock(SqliteConnection db)
    {
        using var cmd = Command(db, "SELECT block FROM transcriptBlock WHERE id = 1", []);
        return cmd.ExecuteScalar() is long b ? b : 0;
    }

    /// <summary>The spans in <paramref name="db"/> that <paramref name="where"/> selects, by vat ID and start position.</summary>
    internal static List<TranscriptSpan> ReadSpans(SqliteConnection db, string where, params (string Name, object Value)[] parameters)
    {
        using var cmd = Command(db, $"SELECT vatID, startPos, endPos, incarnation, isCurrent FROM transcriptSpans {where} ORDER BY vatID, startPos", parameters);
        using var r = cmd.ExecuteReader();
        var spans = new List<TranscriptSpan>();
        while (r.Read()) spans.Add(new TranscriptSpan(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4) == 1));
        return spans;
    }

    /// <summary>The items in <paramref name="db"/> that <paramref name="where"/> selects, by vat ID and position.</summary>
    internal static List<TranscriptItem> ReadItems(SqliteConnection db, string where, params (string Name, object Value)[] parameters)
    {
        using var cmd = Command(db, $"SELECT vatID, incarnation, position, item FROM transcriptItems {where} ORDER BY vatID, position", parameters);
        using var r = cmd.ExecuteReader();
        var items = new List<TranscriptItem>();
        while (r.Read()) items.Add(new TranscriptItem(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetString(3)));
        return items;
    }
}
