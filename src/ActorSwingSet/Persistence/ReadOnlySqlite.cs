using Microsoft.Data.Sqlite;

namespace ActorSwingSet.Persistence;

/// <summary>
/// Opens a SQLite file for reading only, creating nothing beside it. A plain read-only open of a WAL database
/// (SwingSet's swing-stores and ours are WAL) leaves <c>-wal</c> and <c>-shm</c> files behind, and fails in a
/// read-only folder; so the file is opened as <c>immutable</c> (no locks, no side files) when nothing is pending
/// beside it. When a <c>-wal</c> or a <c>-journal</c> exists (another process is writing, or a crash left committed
/// pages there), immutable could miss those pages or read pages being changed: the open falls back to SQLite's
/// read-only mode, which reads them with proper locking but may create a <c>-shm</c> (docs/ARCHITECTURE.md, "Storage").
/// </summary>
internal static class ReadOnlySqlite
{
    /// <summary>Why <paramref name="path"/> is a symbolic link to nothing (one line naming both), or null.</summary>
    public static string? DanglingLink(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not { } target) return null;
        var final = info.ResolveLinkTarget(returnFinalTarget: true);
        return final is null || !final.Exists ? $"{path} is a symbolic link to {target}, which does not exist" : null;
    }

    /// <summary>
    /// Why the file at <paramref name="path"/> cannot be read (no permission, a lock), in one line naming it, or null:
    /// checked by opening it for reading, before SQLite, which reports the same as "unable to open database file".
    /// </summary>
    public static string? Unreadable(string path)
    {
        try
        {
            using var _ = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{path} cannot be read ({e.Message.Split('\n')[0].Trim().TrimEnd('.')})";
        }
    }

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

    /// <summary>
    /// The connection string <see cref="Open"/> uses: a <c>file:</c> URI with <c>mode=ro</c>, and <c>immutable=1</c> when no
    /// <c>-wal</c> or <c>-journal</c> is beside the file.
    /// </summary>
    public static string ConnectionString(string path)
    {
        var full = Path.GetFullPath(path);
        var uri = "file:" + UriPath(full) + "?mode=ro" + (IsQuiet(full) ? "&immutable=1" : "");
        return new SqliteConnectionStringBuilder { DataSource = uri, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
    }

    /// <summary>
    /// True when nothing can be changing the file or hold changes it lacks: no <c>-wal</c> (SQLite removes it when the
    /// last connection closes, so one that exists, even empty, belongs to a live writer or a crash) and no <c>-journal</c>.
    /// </summary>
    private static bool IsQuiet(string full) => !File.Exists(full + "-wal") && !File.Exists(full + "-journal");

    /// <summary>The path as a URI path: forward slashes, a leading slash, and the characters URIs reserve escaped.</summary>
    private static string UriPath(string full)
    {
        var p = full.Replace('\\', '/');
        if (!p.StartsWith('/')) p = "/" + p;
        return p.Replace("%", "%25", StringComparison.Ordinal).Replace("?", "%3f", StringComparison.Ordinal).Replace("#", "%23", StringComparison.Ordinal);
    }
}
