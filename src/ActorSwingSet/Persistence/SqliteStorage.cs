using Akka.Configuration;
using Microsoft.Data.Sqlite;

namespace ActorSwingSet.Persistence;

/// <summary>
/// The embedded default: the kernel's journal and snapshots in one SQLite file through Akka.Persistence.Sql and
/// Microsoft.Data.Sqlite. Pass the result as (or under) the ActorSystem's configuration.
/// </summary>
public static class SqliteStorage
{
    /// <summary>
    /// HOCON that turns persistence on with <paramref name="path"/> as the database (created if missing, put in
    /// WAL mode once, which SQLite remembers), committing every <paramref name="commitEveryCranks"/> cranks while
    /// running (0: only when the host commits).
    /// </summary>
    public static Config Config(string path, long commitEveryCranks = 0)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        using (var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = full }.ToString()))
        {
            db.Open();
            using var wal = db.CreateCommand();
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            wal.ExecuteNonQuery();
        }
        var connection = new SqliteConnectionStringBuilder { DataSource = full }.ToString().Replace("\"", "\\\"", StringComparison.Ordinal);
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
                  provider-name = "SQLite.MS"
                  auto-initialize = true
                }
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                sql {
                  class = "Akka.Persistence.Sql.Snapshot.SqlSnapshotStore, Akka.Persistence.Sql"
                  connection-string = "{{connection}}"
                  provider-name = "SQLite.MS"
                  auto-initialize = true
                }
              }
            }
            """);
    }
}
