using System.CommandLine;
using Akka.Actor;
using Akka.Configuration;
using ActorSwingSet.Audit;
using ActorSwingSet.Persistence;
using Microsoft.Data.Sqlite;

namespace ActorSwingSet.Cli.Commands;

/// <summary><c>swingset audit --db FILE</c>: recovers a stored kernel's committed state and audits it, changing nothing.</summary>
public static class AuditCommand
{
    public static Command Build()
    {
        var db = new Option<FileInfo>("--db") { Description = "an ActorSwingSet SQLite database", Required = true };
        var cmd = new Command("audit", "recount every reference of a stored kernel and check the invariants") { db };
        cmd.SetAction(async parse =>
        {
            var file = parse.GetValue(db)!;
            if (Problem(file.FullName) is { } problem)
            {
                Console.Error.WriteLine("swingset audit: " + problem);
                return 2;
            }
            var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(SqliteStorage.Config(file.FullName));
            using var system = ActorSystem.Create("swingset-audit", config);
            var settings = Kernel.KernelSettings.FromConfig(system.Settings.Config).Persistence;
            var journal = system.ActorOf(KernelJournal.Props(settings.PersistenceId, 0));
            var state = await journal.Ask<CommittedState>(GetCommittedState.Instance, TimeSpan.FromMinutes(10));
            await system.Terminate();
            if (state.Block == 0)
            {
                Console.Error.WriteLine($"swingset audit: {file.FullName} holds no committed kernel state");
                return 2;
            }
            var report = KernelAudit.Run(state.State);
            Console.WriteLine($"block {state.Block}, crank {state.State.GetValueOrDefault("crankNumber")}: {report}");
            return report.IsClean ? 0 : 1;
        });
        return cmd;
    }

    /// <summary>Why the file cannot be an ActorSwingSet database, checked read-only; null when it can.</summary>
    internal static string? Problem(string path)
    {
        if (!File.Exists(path)) return $"no such file: {path}";
        try
        {
            using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('journal', 'snapshot')";
            return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 2
                ? null
                : $"{path} is a SQLite database but not an ActorSwingSet one (no journal and snapshot tables)";
        }
        catch (SqliteException e)
        {
            return $"{path} is not a SQLite database ({e.Message.TrimEnd('.')})";
        }
    }
}
