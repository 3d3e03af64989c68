using Microsoft.Data.Sqlite;

namespace ActorSwingSet.Persistence;

/// <summary>
/// Opens a SQLite file for reading only, creating nothing beside it. A plain read-only open of a WAL database
/// (SwingSet's swing-stores and ours are WAL) leaves <c>-wal</c> and <c>-shm</c> files behind, and fails in a
/// read-only folder; so the file is opened as <c>immutable</c> (no locks, no side files) when nothing is pending
/// beside it. When a <c>-wal</c> with content or a <c>-journal</c> exists (another process is writing, or a crash
/// left committed pages there), immutable would miss those pages: the open falls back to SQLite's read-only mode,
/// which reads them but may create a <c>-shm</c> (docs/ARCHITECTURE.md, "Storage").
/// </summary>
internal static class ReadOnlySqlite
{
    /// <summary>An open read-only connection to the existing file at <paramref name="path"/> (throws <see cref="SqliteException"/> when SQLite cannot open it).</summary>
    public static SqliteConnection Open(string path)
    {
        var db = new SqliteConnection(ConnectionString(path));
        try
        {
            db.Open();
            return db;
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <summary>The connection string <see cref="Open"/> uses: a <c>file:</c> URI with <c>mode=ro</c>, and <c>immutable=1</c> when nothing is pending beside the file.</summary>
    public static string ConnectionString(string path)
    {
        var full = Path.GetFullPath(path);
        var uri = "file:" + UriPath(full) + "?mode=ro" + (IsQuiet(full) ? "&immutable=1" : "");
        return new SqliteConnectionStringBuilder { DataSource = uri, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
    }

    /// <summary>True when no other connection can have changes the main file lacks: no <c>-wal</c> with content, no <c>-journal</c>.</summary>
    private static bool IsQuiet(string full)
    {
        var wal = new FileInfo(full + "-wal");
        return !(wal.Exists && wal.Length > 0) && !File.Exists(full + "-journal");
    }

    /// <summary>The path as a URI path: forward slashes, a leading slash, and the characters URIs reserve escaped.</summary>
    private static string UriPath(string full)
    {
        var p = full.Replace('\\', '/');
        if (!p.StartsWith('/')) p = "/" + p;
        return p.Replace("%", "%25", StringComparison.Ordinal).Replace("?", "%3f", StringComparison.Ordinal).Replace("#", "%23", StringComparison.Ordinal);
    }
}
