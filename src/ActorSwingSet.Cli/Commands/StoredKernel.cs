using Akka.Actor;
using Akka.Configuration;
using ActorSwingSet.Persistence;
using ActorSwingSet.Schema;
using Microsoft.Data.Sqlite;

namespace ActorSwingSet.Cli.Commands;

/// <summary>
/// A stored kernel opened for a tool: its file checked and its committed state read read-only (SQLite's
/// <c>mode=ro</c>, straight from the journal and snapshot tables, no vat code), so a wrong or damaged file is left
/// exactly as it was. A tool that writes opens the database for writing only afterwards, in <see cref="CommitAsync"/>.
/// </summary>
internal sealed class StoredKernel
{
    private StoredKernel(string path, StoredState state)
    {
        Path = path;
        State = state;
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>The committed state as read.</summary>
    public StoredState State { get; }

    /// <summary>The stored kernel in <paramref name="file"/>, or the one-line reason (prefixed with the command) it cannot be used.</summary>
    public static (StoredKernel? Kernel, string? Problem) Read(FileInfo file, string command)
    {
        var path = file.FullName;
        if (KernelDatabase.Problem(path) is { } problem) return (null, $"swingset {command}: {problem}");
        StoredState state;
        try
        {
            state = KernelDatabase.Read(path, PersistenceId);
        }
        catch (StorageFileException e)
        {
            return (null, $"swingset {command}: {path}: {e.Message}");
        }
        return state.Block == 0
            ? (null, $"swingset {command}: {path} holds no committed kernel state")
            : (new StoredKernel(path, state), null);
    }

    /// <summary>
    /// Why this tool must not write to the database, or null: a writing tool refuses up front a file or folder without
    /// write permission (<see cref="Files.Writable"/>) and a database another process has open (a running kernel would
    /// collide with the block this tool writes).
    /// </summary>
    public string? WriteProblem(string command)
    {
        var folder = System.IO.Path.GetDirectoryName(Path)!;
        if (!Files.Writable(Path)) return $"swingset {command}: {Path} is read-only; {command} writes to it";
        if (!Files.Writable(folder)) return $"swingset {command}: the folder {folder} is read-only; {command} writes the database, and SQLite needs to create files beside it";
        return KernelDatabase.InUseProblem(Path) is { } inUse ? $"swingset {command}: {inUse}" : null;
    }

    /// <summary>
    /// Journals <paramref name="writes"/> as the block after the one read, through the kernel's own journal. Returns the
    /// block number; throws <see cref="StorageFileException"/> (saying nothing was changed) when the block could not be
    /// written or the database changed since it was read.
    /// </summary>
    public async Task<long> CommitAsync(long crank, IReadOnlyList<KvWrite> writes)
    {
        var config = ConfigurationFactory.ParseString("akka.loglevel = OFF\nakka.stdout-loglevel = OFF").WithFallback(SqliteStorage.Config(Path));
        var system = ActorSystem.Create("swingset-tool", config);
        var settings = KernelSettings.FromConfig(system.Settings.Config).Persistence;
        SqliteTranscriptStore? transcripts = null;
        try
        {
            // the tables the kernel's transcripts are in: a tool's block is applied to them like a kernel's
            transcripts = new SqliteTranscriptStore(new SqliteConnectionStringBuilder { DataSource = Path }.ToString(), settings.KeepTranscripts);
            var journal = system.ActorOf(KernelJournal.Props(settings.PersistenceId, settings.SnapshotEveryBlocks, transcripts: transcripts));
            var stopped = journal.WatchAsync();
            var recovered = journal.Ask<CommittedState>(GetCommittedState.Instance);
            if (await Task.WhenAny(recovered, stopped) != recovered)
                throw new StorageFileException("the journal could not be recovered for writing; nothing was changed");
            var now = (await recovered).Block;
            if (now != State.Block)
                throw new StorageFileException($"the database changed while this ran (it is now at block {now}, read at block {State.Block}); nothing was changed");
            var stored = journal.Ask<BlockStored>(new CommitBlock(crank, writes, []));
            await Task.WhenAny(stored, stopped);
            if (!stored.IsCompleted) throw new StorageFileException("the journal stopped before storing the block; nothing was changed");
            return (await stored).Block;
        }
        catch (JournalWriteFailedException e)
        {
            throw new StorageFileException($"{e.Message.TrimEnd('.')}; nothing was changed", e);
        }
        catch (SqliteException e)
        {
            throw new StorageFileException($"the transcript tables cannot be opened ({KernelDatabase.OneLine(e)}); nothing was changed", e);
        }
        finally
        {
            await system.Terminate();
            transcripts?.Dispose();
            // the journal's pooled connections are closed, so SQLite removes its -wal and -shm files
            SqliteConnection.ClearAllPools();
        }
    }

    private static string PersistenceId => KernelSettings.FromConfig(null).Persistence.PersistenceId;
}
