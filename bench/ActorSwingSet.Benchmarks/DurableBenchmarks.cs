using Akka.Actor;
using Akka.Configuration;
using ActorSwingSet.Remediation;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;

namespace ActorSwingSet.Benchmarks;

/// <summary>
/// Ping-pong of <see cref="Messages"/> messages on the actor kernel, in memory and with SQLite persistence
/// committing a block every 1,000 cranks. Reported per crank, so 1/Mean is cranks/s.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3, invocationCount: 1)]
public class DurablePingPongBenchmark
{
    public const int Messages = 10_000;
    private ActorSystem? _system;
    private SwingSetController? _controller;
    private string? _dir;

    private void Setup(bool durable)
    {
        _dir = Directory.CreateTempSubdirectory("swingset-bench-").FullName;
        var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING");
        if (durable) config = config.WithFallback(SqliteStorage.Config(Path.Combine(_dir, "bench.db"), commitEveryCranks: 1000));
        _system = ActorSystem.Create("bench", config);
        _controller = SwingSetController.Start(_system, BenchVat.Config("pinger", "ponger"));
        _controller.RunAsync().GetAwaiter().GetResult();
        var ponger = _controller.GetVatInfoAsync("ponger").GetAwaiter().GetResult().Root;
        _controller.QueueToVatRootAsync("pinger", BenchVat.Call("ping", ponger, Messages)).GetAwaiter().GetResult();
    }

    [IterationSetup(Target = nameof(InMemory))]
    public void SetupInMemory() => Setup(durable: false);

    [IterationSetup(Target = nameof(SqliteBlocksOf1000))]
    public void SetupSqlite() => Setup(durable: true);

    [Benchmark(Baseline = true, OperationsPerInvoke = 4 * Messages)]
    public long InMemory() => _controller!.RunAsync().GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = 4 * Messages)]
    public long SqliteBlocksOf1000()
    {
        var n = _controller!.RunAsync().GetAwaiter().GetResult();
        _controller.CommitAsync().GetAwaiter().GetResult();
        return n;
    }

    [IterationCleanup]
    public void Cleanup()
    {
        _system!.Terminate().Wait();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir!, recursive: true);
    }
}

/// <summary>
/// Recovery of a stored kernel holding <see cref="Promises"/> unresolved promises (each held by a second vat):
/// journal replay (one snapshot) plus rebuilding the kernel and its vats, until the kernel answers.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 0, iterationCount: 3, invocationCount: 1)]
public class RecoveryBenchmark
{
    [Params(100_000, 1_000_000)]
    public int Promises;

    private string? _db;
    private ActorSystem? _system;

    [GlobalSetup]
    public void Build()
    {
        _db = Path.Combine(Directory.CreateTempSubdirectory("swingset-recovery-").FullName, "kernel.db");
        using var system = ActorSystem.Create("build", ConfigurationFactory.ParseString("akka.loglevel = WARNING\nactorswingset.persistence.snapshot-every-blocks = 1")
            .WithFallback(SqliteStorage.Config(_db)));
        var c = SwingSetController.Start(system, BenchVat.Config("decider", "holder"));
        c.RunAsync().GetAwaiter().GetResult();
        var holder = c.GetVatInfoAsync("holder").GetAwaiter().GetResult().Root;
        c.QueueToVatRootAsync("decider", BenchVat.Call("make", holder, Promises)).GetAwaiter().GetResult();
        c.RunAsync().GetAwaiter().GetResult();
        c.CommitAsync().GetAwaiter().GetResult();
        var stats = c.GetStatsAsync().GetAwaiter().GetResult();
        Console.WriteLine($"// stored kernel: {stats.PromiseCount} promises, crank {stats.CrankNumber}");
        system.Terminate().Wait();
        SqliteConnection.ClearAllPools();
    }

    [Benchmark]
    public long Recover()
    {
        _system = ActorSystem.Create("recover", ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(SqliteStorage.Config(_db!)));
        var c = SwingSetController.Start(_system, BenchVat.Config("decider", "holder"));
        return c.GetStatsAsync().GetAwaiter().GetResult().PromiseCount;
    }

    [IterationCleanup]
    public void Cleanup()
    {
        _system?.Terminate().Wait();
        SqliteConnection.ClearAllPools();
    }
}

/// <summary>
/// The #9039 scan over <see cref="Entries"/> c-list promise entries (a tenth of them damaged), spread over 100
/// vats: in a swing-store SQLite file, and in an ActorSwingSet kernel's committed state held in memory.
/// Reported per entry, so 1/Mean is entries/s.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class ScanBenchmark
{
    public const int Entries = 1_000_000;
    private string? _file;
    private SortedDictionary<string, string>? _state;

    [GlobalSetup]
    public void Build()
    {
        _state = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["vat.dynamicIDs"] = "[]",
            ["vats.terminated"] = "[]",
            ["runQueue"] = "[1,1]",
            ["acceptanceQueue"] = "[1,1]",
        };
        for (var v = 1; v <= 100; v++) _state[$"vat.name.vat{v}"] = $"v{v}";
        for (var i = 0; i < Entries; i++)
        {
            var vat = $"v{1 + i % 100}";
            var kp = $"kp{40 + i}";
            _state[$"{vat}.c.p+{i}"] = kp;
            _state[$"{vat}.c.{kp}"] = $"R p+{i}";
            _state[$"{kp}.state"] = i % 10 == 0 ? "rejected" : "unresolved";
        }
        _file = Path.Combine(Directory.CreateTempSubdirectory("swingset-scan-").FullName, "swingstore.sqlite");
        using var db = new SqliteConnection($"Data Source={_file}");
        db.Open();
        using var tx = db.BeginTransaction();
        using (var create = db.CreateCommand())
        {
            create.CommandText = "CREATE TABLE kvStore (key TEXT PRIMARY KEY, value TEXT)";
            create.ExecuteNonQuery();
        }
        using var insert = db.CreateCommand();
        insert.CommandText = "INSERT INTO kvStore VALUES ($k, $v)";
        var k = insert.Parameters.Add("$k", SqliteType.Text);
        var val = insert.Parameters.Add("$v", SqliteType.Text);
        foreach (var (key, value) in _state)
        {
            k.Value = key;
            val.Value = value;
            insert.ExecuteNonQuery();
        }
        tx.Commit();
    }

    [Benchmark(OperationsPerInvoke = Entries)]
    public int SwingStoreFile()
    {
        var r = SwingStoreScanner.Scan(_file!);
        return r.Damaged.Count == Entries / 10 ? r.Damaged.Count : throw new InvalidOperationException($"found {r.Damaged.Count}");
    }

    [Benchmark(OperationsPerInvoke = Entries)]
    public int CommittedState()
    {
        var r = SwingStoreScanner.Scan(_state!);
        return r.Damaged.Count == Entries / 10 ? r.Damaged.Count : throw new InvalidOperationException($"found {r.Damaged.Count}");
    }
}
