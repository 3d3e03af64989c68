using Akka.Actor;
using Akka.Configuration;
using ActorSwingSet.Kernel;
using ActorSwingSet.Persistence;
using Microsoft.Data.Sqlite;

namespace ActorSwingSet.Cli.Commands;

/// <summary>
/// A stored kernel opened for a tool: its file checked read-only first (so a wrong file is left untouched), then its
/// committed state recovered through the journal alone, with no vat code.
/// </summary>
internal sealed class StoredKernel : IAsyncDisposable
{
    private ActorSystem? _system;

    public string? Problem { get; private set; }
    public CommittedState? State { get; private set; }
    public IActorRef? Journal { get; private set; }

    public static async Task<StoredKernel> OpenAsync(FileInfo file, string command)
    {
        var stored = new StoredKernel();
        if (Check(file.FullName) is { } problem)
        {
            stored.Problem = $"swingset {command}: {problem}";
            return stored;
        }
        var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(SqliteStorage.Config(file.FullName));
        stored._system = ActorSystem.Create("swingset-" + command, config);
        var settings = KernelSettings.FromConfig(stored._system.Settings.Config).Persistence;
        stored.Journal = stored._system.ActorOf(KernelJournal.Props(settings.PersistenceId, settings.SnapshotEveryBlocks));
        stored.State = await stored.Journal.Ask<CommittedState>(GetCommittedState.Instance, TimeSpan.FromMinutes(10));
        if (stored.State.Block == 0) stored.Problem = $"swingset {command}: {file.FullName} holds no committed kernel state";
        return stored;
    }

    /// <summary>Why the file cannot be an ActorSwingSet database, checked read-only; null when it can.</summary>
    private static string? Check(string path)
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

    public async ValueTask DisposeAsync()
    {
        if (_system is not null) await _system.Terminate();
    }
}
