using Akka.Configuration;
using Microsoft.Data.Sqlite;
using ActorSwingSet.Persistence;

namespace ActorSwingSet;

/// <summary>
/// The embedded default: the kernel's journal and snapshots in one SQLite file through Akka.Persistence.Sql and
/// Microsoft.Data.Sqlite. Pass the result as (or under) the ActorSystem's configuration.
/// </summary>
public static class SqliteStorage
{
    /// <summary>
    /// HOCON that turns persistence on with <paramref name="path"/> as the database, committing every
    /// <paramref name="commitEveryCranks"/> cranks while running (0: only when the host commits). A missing file is
    /// created (in WAL mode, marked as ours); an existing one is first checked read-only and used only if it is an
    /// ActorSwingSet database: anything else (a swing-store, another SQLite database, an empty or non-SQLite file, a
    /// directory) throws <see cref="StorageFileException"/> and is left exactly as it was.
    /// </summary>
    public static Config Config(string path, long commitEveryCranks = 0)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full) || Directory.Exists(full))
        {
            if (KernelDatabase.Problem(full) is { } problem) throw new StorageFileException(problem);
        }
        else
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                KernelDatabase.Create(full);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or SqliteException)
            {
                throw new StorageFileException($"{full} cannot be created ({KernelDatabase.OneLine(e)})", e);
            }
        }
        return SqlStorage.Config(new SqliteConnectionStringBuilder { DataSource = full }.ToString(), "SQLite.MS", commitEveryCranks);
    }
}

/// <summary>
/// A database file that cannot be used as a kernel's storage: not an ActorSwingSet database, unreadable, damaged, or
/// impossible to create. The message is one line naming the file or the block and what is wrong; the file is
/// left as it was.
/// </summary>
public sealed class StorageFileException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>
/// The kernel's journal and snapshots in PostgreSQL through Akka.Persistence.Sql (what <c>hocon/postgresql.conf</c>
/// spells out). The application adds the Npgsql package, which Akka.Persistence.Sql loads for this provider; the
/// tables are created on first use.
/// </summary>
public static class PostgreSqlStorage
{
    /// <summary>
    /// HOCON that turns persistence on with the database at <paramref name="connectionString"/>, committing every
    /// <paramref name="commitEveryCranks"/> cranks while running (0: only when the host commits).
    /// </summary>
    public static Config Config(string connectionString, long commitEveryCranks = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return SqlStorage.Config(connectionString, "PostgreSQL.15", commitEveryCranks);
    }
}

/// <summary>The HOCON both stores share: the Akka.Persistence.Sql journal and snapshot store on one connection.</summary>
internal static class SqlStorage
{
    public static Config Config(string connectionString, string provider, long commitEveryCranks)
    {
        var connection = connectionString.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
        return ConfigurationFactory.ParseString($$"""
            actorswingset.persistence {
              enabled = on
              commit-every-cranks = {{commitEveryCranks}}
            }
            {{StoredStateSerializer.Hocon}}
            akka.persistence {
              journal {
                plugin = "akka.persistence.journal.sql"
                sql {
                  class = "Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql"
                  connection-string = "{{connection}}"
                  provider-name = "{{provider}}"
                  auto-initialize = true
                }
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                sql {
                  class = "Akka.Persistence.Sql.Snapshot.SqlSnapshotStore, Akka.Persistence.Sql"
                  connection-string = "{{connection}}"
                  provider-name = "{{provider}}"
                  auto-initialize = true
                }
              }
            }
            """);
    }
}
