using Microsoft.Data.Sqlite;

namespace ActorSwingSet.Tests.Support;

/// <summary>A test class with its own temporary folder (<see cref="Dir"/>), deleted afterwards with its SQLite files.</summary>
public abstract class ScratchDirectoryTest : IDisposable
{
    protected string Dir { get; } = Directory.CreateTempSubdirectory("swingset-test-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Dir, recursive: true);
        GC.SuppressFinalize(this);
    }
}
