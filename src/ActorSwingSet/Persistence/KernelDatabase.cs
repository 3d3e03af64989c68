using ActorSwingSet.Schema;
using Microsoft.Data.Sqlite;

namespace ActorSwingSet.Persistence;

/// <summary>
/// An ActorSwingSet SQLite database seen without Akka: whether a file is one (checked read-only, before anything
/// opens it for writing), a new one made whole or not at all, and its committed state read straight from
/// Akka.Persistence.Sql's <c>journal</c> and <c>snapshot</c> tables with <see cref="StoredStateSerializer"/>, for the
/// tools (the kernel itself recovers through <see cref="KernelJournal"/>).
/// </summary>
internal static class KernelDatabase
{
    /// <summary>SQLite's <c>application_id</c> in the header of a database this library created ("ASws").</summary>
    public const int ApplicationId = 0x41537773;

    /// <summary>Why the file at <paramref name="path"/> is not an ActorSwingSet database (one line naming it), or null when it is; read-only.</summary>
    public static string? Problem(string path)
    {
        if (Directory.Exists(path)) return $"{path} is a directory, not a database file";
        if (ReadOnlySqlite.DanglingLink(path) is { } dangling) return dangling;
        if (!File.Exists(path)) return $"no such file: {path}";
        try
        {
            if (new FileInfo(path).Length == 0) return $"{path} is an empty file, not an ActorSwingSet database";
            if (ReadOnlySqlite.Unreadable(path) is { } unreadable) return unreadable;
            using var db = ReadOnlySqlite.Open(path);
            var tables = Tables(db);
            if (Scalar(db, "PRAGMA application_id") == ApplicationId || (tables.Contains("journal") && tables.Contains("snapshot")))
                return QuickCheck(db) is { } damage ? $"{path} is a damaged SQLite database ({damage})" : null;
            return tables.Contains("kvStore")
                ? $"{path} is a SwingSet swing-store, not an ActorSwingSet database (scan it with --swingstore)"
                : $"{path} is a SQLite database but not an ActorSwingSet one (no journal and snapshot tables)";
        }
        catch (SqliteException e)
        {
            // SQLITE_CORRUPT: a SQLite header, but pages that are not what it says
            return e.SqliteErrorCode == 11
                ? $"{path} is a damaged SQLite database ({OneLine(e)})"
                : $"{path} is not a SQLite database ({OneLine(e)})";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{path} cannot be read ({OneLine(e)})";
        }
    }

    /// <summary>
    /// Why <paramref name="path"/> must not be written now, or null: another connection (a running kernel, another tool)
    /// has it open. Checked by taking SQLite's exclusive lock for an instant, which any other open connection holds
    /// off; that opens the file for writing but changes nothing in it, so call it only after <see cref="Problem"/> passed.
    /// </summary>
    public static string? InUseProblem(string path)
    {
        try
        {
            using var db = new SqliteConnection(
                new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 1 }.ToString());
            db.Open();
            // one statement per command: the locking mode must be set before the connection first reads the file
            foreach (var sql in new[] { "PRAGMA locking_mode = EXCLUSIVE", "BEGIN EXCLUSIVE", "COMMIT" })
            {
                using var cmd = db.CreateCommand();
                cmd.CommandText = sql;
                cmd.ExecuteNonQuery();
            }
            return null;
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6) // SQLITE_BUSY, SQLITE_LOCKED
        {
            return $"another process has {path} open (a running kernel or tool): try again once it has finished";
        }
        catch (SqliteException e)
        {
            return $"{path} cannot be opened for writing ({OneLine(e)})";
        }
    }

    /// <summary>
    /// Creates a new, empty ActorSwingSet database at <paramref name="path"/> (WAL mode, our <c>application_id</c>): built
    /// beside it under a temporary name and moved into place, so a crash never leaves a half-made file under the name.
    /// Throws <see cref="IOException"/> when the file appeared meanwhile or the folder cannot be written.
    /// </summary>
    public static void Create(string path)
    {
        var temp = path + ".creating-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            using (var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = temp, Pooling = false }.ToString()))
            {
                db.Open();
                using var cmd = db.CreateCommand();
                cmd.CommandText = $"PRAGMA journal_mode=WAL; PRAGMA application_id={ApplicationId};";
                cmd.ExecuteNonQuery();
            }
            File.Move(temp, path, overwrite: false);
        }
        finally
        {
            foreach (var f in new[] { temp, temp + "-wal", temp + "-shm" }) File.Delete(f);
        }
    }

    /// <summary>
    /// The committed state of the kernel stored under <paramref name="persistenceId"/>, read-only: the latest
    /// snapshot and every block after it. Any damage throws <see cref="StorageFileException"/> naming the block (a
    /// block's sequence number is its block number) and what is wrong.
    /// </summary>
    public static StoredState Read(string path, string persistenceId)
    {
        var state = new KvState();
        long block = 0;
        try
        {
            using var db = ReadOnlySqlite.Open(path);
            var tables = Tables(db);
            // no journal: a new database whose first block never came; no snapshot table: the kernel recovers from the journal alone
            if (!tables.Contains("journal")) return new StoredState(0, state.ToDictionary());
            if (tables.Contains("snapshot"))
            {
                using var snap = db.CreateCommand();
                snap.CommandText = "SELECT sequence_number, snapshot, manifest, serializer_id FROM snapshot WHERE persistence_id = $id ORDER BY sequence_number DESC LIMIT 1";
                snap.Parameters.AddWithValue("$id", persistenceId);
                using var r = snap.ExecuteReader();
                if (r.Read())
                {
                    var at = r.GetInt64(0);
                    var s = Decode<StateSnapshot>(r, 1, $"the snapshot at block {at}", StoredStateSerializer.StateManifest);
                    if (s.Block != at) throw new StorageFileException($"the snapshot at block {at} says it is of block {s.Block}");
                    state.Apply(s.State.Select(e => KvWrite.Set(e.Key, e.Value)));
                    block = at;
                }
            }
            using var blocks = db.CreateCommand();
            blocks.CommandText = "SELECT sequence_number, message, manifest, identifier FROM journal WHERE persistence_id = $id"
                + " AND deleted = 0 AND sequence_number > $from ORDER BY sequence_number";
            blocks.Parameters.AddWithValue("$id", persistenceId);
            blocks.Parameters.AddWithValue("$from", block);
            using var rows = blocks.ExecuteReader();
            while (rows.Read())
            {
                var seq = rows.GetInt64(0);
                if (seq != block + 1) throw new StorageFileException($"block {block + 1} is missing: the journal has block {seq} after block {block}");
                var b = Decode<BlockCommitted>(rows, 1, $"block {seq}", StoredStateSerializer.BlockManifest);
                if (b.Block != seq) throw new StorageFileException($"block {seq} says it is block {b.Block}");
                state.Apply(b.Writes);
                block = seq;
            }
        }
        catch (SqliteException e)
        {
            throw new StorageFileException($"the journal cannot be read after block {block}: {OneLine(e)}", e);
        }
        return new StoredState(block, state.ToDictionary());
    }

    /// <summary>
    /// The committed transcripts in <paramref name="path"/>, read-only: every span and stored item, and the last block
    /// applied to them. A database from before transcripts (no tables) has none. Damage throws
    /// <see cref="StorageFileException"/>.
    /// </summary>
    public static StoredTranscripts ReadTranscripts(string path)
    {
        try
        {
            using var db = ReadOnlySqlite.Open(path);
            var tables = Tables(db);
            if (!tables.Contains("transcriptSpans") || !tables.Contains("transcriptItems") || !tables.Contains("transcriptBlock"))
                return new StoredTranscripts([], [], 0);
            return new StoredTranscripts(SqliteTranscriptStore.ReadSpans(db, ""), SqliteTranscriptStore.ReadItems(db, ""), SqliteTranscriptStore.ReadAppliedBlock(db));
        }
        catch (Exception e) when (e is SqliteException or InvalidCastException or InvalidOperationException)
        {
            throw new StorageFileException($"the transcript tables cannot be read: {OneLine(e)}", e);
        }
    }

    private static T Decode<T>(SqliteDataReader r, int column, string what, string expectedManifest)
    {
        var manifest = r.IsDBNull(column + 1) ? "" : r.GetString(column + 1);
        var serializer = r.IsDBNull(column + 2) ? 0 : r.GetInt64(column + 2);
        if (serializer != StoredStateSerializer.Id || manifest != expectedManifest)
            throw new StorageFileException($"{what} is not stored as {expectedManifest} (serializer {serializer}, manifest '{manifest}')");
        if (r.IsDBNull(column)) throw new StorageFileException($"{what} has no payload");
        try
        {
            return (T)StoredStateSerializer.Read((byte[])r.GetValue(column), manifest);
        }
        catch (FormatException e)
        {
            throw new StorageFileException($"{what} cannot be read: {OneLine(e)}", e);
        }
    }

    private static HashSet<string> Tables(SqliteConnection db)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
        using var r = cmd.ExecuteReader();
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (r.Read()) names.Add(r.GetString(0));
        return names;
    }

    /// <summary>
    /// SQLite's first complaint about the file's pages, or null: a damaged page a recovery happens not to read (the
    /// snapshot table's, before the first snapshot) would otherwise pass unseen, and a writer would add to a broken file.
    /// </summary>
    private static string? QuickCheck(SqliteConnection db)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = "PRAGMA quick_check(2)";
        using var r = cmd.ExecuteReader();
        var lines = new List<string>();
        while (r.Read()) lines.AddRange(r.GetString(0).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        if (lines is ["ok"]) return null;
        // the first complaint, without the "*** in database main ***" heading SQLite puts before it
        return "quick_check: " + (lines.FirstOrDefault(l => !l.StartsWith("***", StringComparison.Ordinal)) ?? string.Join(' ', lines));
    }

    private static long Scalar(SqliteConnection db, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>An exception's message as one line, without SQLite's trailing period.</summary>
    internal static string OneLine(Exception e) => e.Message.Split('\n')[0].Trim().TrimEnd('.');
}

/// <summary>
/// A database's committed transcripts as <see cref="KernelDatabase.ReadTranscripts"/> read them: the spans and stored
/// items by vat ID and position, and the last block applied to them.
/// </summary>
internal sealed record StoredTranscripts(IReadOnlyList<TranscriptSpan> Spans, IReadOnlyList<TranscriptItem> Items, long AppliedBlock);

/// <summary>What <see cref="KernelDatabase.Read"/> found: the last committed block (0 for none) and the whole state after it, in kvStore form.</summary>
internal sealed record StoredState(long Block, IReadOnlyDictionary<string, string> State);
