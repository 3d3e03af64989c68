using System.CommandLine;
using Akka.Actor;
using ActorSwingSet.Cli.Demo;
using ActorSwingSet.Persistence;
using Akka.Configuration;
using Microsoft.Data.Sqlite;
using Spectre.Console;

namespace ActorSwingSet.Cli.Commands;

/// <summary><c>swingset demo</c>: the built-in many-vat scenario with upgrades, and a readable summary.</summary>
public static class DemoCommand
{
    public static Command Build()
    {
        var vats = new Option<int>("--vats") { Description = "number of vats in the ring (2 to 100,000)", DefaultValueFactory = _ => 1000 };
        var hops = new Option<int>("--hops") { Description = "hops each relayed message travels (0 to 1,000)", DefaultValueFactory = _ => 5 };
        var upgrades = new Option<int>("--upgrades") { Description = "vats to upgrade (0 to --vats)", DefaultValueFactory = _ => 5 };
        var dump = new Option<FileInfo?>("--dump") { Description = "write the final kernel state (kvStore schema) as one JSON object to FILE" };
        var db = new Option<FileInfo>("--db") { Description = "the SQLite database the kernel lives in; a second run continues from it",
            DefaultValueFactory = _ => new FileInfo("swingset.db") };
        var inMemory = new Option<bool>("--in-memory") { Description = "keep the kernel in memory only (no database)" };
        var commitEvery = new Option<long>("--commit-every") { Description = "commit a block every N cranks (1 to 1,000,000)", DefaultValueFactory = _ => 1000 };
        var cmd = new Command("demo", "run the built-in scenario: a ring of vats exchanging messages and promises, with upgrades")
        {
            vats, hops, upgrades, dump, db, inMemory, commitEvery,
        };
        cmd.SetAction(async (parse, _) =>
        {
            var (n, h, u, every) = (parse.GetValue(vats), parse.GetValue(hops), parse.GetValue(upgrades), parse.GetValue(commitEvery));
            if (Validate(n, h, u, every) is { } bad)
            {
                Console.Error.WriteLine("swingset demo: " + bad);
                return 2;
            }
            var dumpFile = parse.GetValue(dump);
            var durable = !parse.GetValue(inMemory);
            var dbFile = parse.GetValue(db)!;
            if (!durable && parse.GetResult(db) is { Implicit: false })
            {
                Console.Error.WriteLine("swingset demo: --in-memory keeps no database: give --in-memory or --db FILE, not both");
                return 2;
            }
            // the dump's file is checked before the run, so a run is not committed when its dump cannot be written
            if (dumpFile is not null && DumpProblem(dumpFile) is { } dumpProblem)
            {
                Console.Error.WriteLine("swingset demo: " + dumpProblem);
                return 2;
            }
            // the dump replaces its file: never the database or one of SQLite's files beside it
            if (durable && dumpFile is not null && new[] { "", "-wal", "-shm", "-journal" }
                .FirstOrDefault(s => Files.Same(dumpFile.FullName, Files.Real(dbFile.FullName) + s)) is { } sqliteFile)
            {
                Console.Error.WriteLine($"swingset demo: --dump {dumpFile.FullName} is the database{(sqliteFile.Length > 0 ? "'s " + sqliteFile + " file" : "")} "
                    + $"(--db {dbFile.FullName}); the dump would overwrite it");
                return 2;
            }
            var config = ConfigurationFactory.ParseString("akka.loglevel = OFF\nakka.stdout-loglevel = OFF");
            if (durable)
            {
                // a missing folder is a typo, not a request to make folders (nor is a name ending in a separator)
                if (!Directory.Exists(dbFile.DirectoryName))
                {
                    Console.Error.WriteLine($"swingset demo: --db {dbFile.FullName}: no such folder {dbFile.DirectoryName}");
                    return 2;
                }
                if (ReadOnlyProblem(dbFile.FullName) is { } readOnly)
                {
                    Console.Error.WriteLine("swingset demo: " + readOnly);
                    return 2;
                }
                try
                {
                    // an existing file is checked read-only first and used only if it is an ActorSwingSet database
                    config = config.WithFallback(SqliteStorage.Config(dbFile.FullName, every));
                }
                catch (StorageFileException e)
                {
                    Console.Error.WriteLine("swingset demo: " + e.Message);
                    return 2;
                }
                // two kernels on one database would overwrite each other's blocks
                if (KernelDatabase.InUseProblem(dbFile.FullName) is { } inUse)
                {
                    Console.Error.WriteLine("swingset demo: " + inUse);
                    return 2;
                }
            }
            using var system = ActorSystem.Create("swingset-demo", config);
            var controller = SwingSetController.Start(system, DemoScenario.Config(n));
            DemoResult result;
            try
            {
                // a stored kernel keeps its ring: an explicit --vats that differs would be ignored, so it is refused
                if (durable && parse.GetResult(vats) is { Implicit: false } && await controller.GetStatsAsync() is { CrankNumber: > 0 } stored && stored.LiveVats != n)
                    throw new DemoKernelException($"{dbFile.FullName} holds a ring of {stored.LiveVats:N0} vats, which --vats {n:N0} cannot change"
                        + ": leave --vats out to continue it");
                // repairs a schema upgrade left waiting, if any, go in first (as SwingSet's host does)
                if (durable) await controller.InjectQueuedUpgradeEventsAsync();
                result = await DemoScenario.RunAsync(controller, h, u, new Progress<string>(m => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(m)}[/]")));
            }
            catch (Exception e) when (e is KernelPanicException or DemoKernelException)
            {
                Console.Error.WriteLine("swingset demo: " + e.Message);
                await system.Terminate();
                SqliteConnection.ClearAllPools();
                return 2;
            }
            Print(result, (int)result.Stats.LiveVats);
            if (durable)
            {
                long block;
                try
                {
                    block = await controller.CommitAsync();
                }
                catch (KernelPanicException e)
                {
                    Console.Error.WriteLine("swingset demo: " + e.Message);
                    await system.Terminate();
                    SqliteConnection.ClearAllPools();
                    return 2;
                }
                AnsiConsole.MarkupLine($"{(result.Continued ? "continued the kernel stored in" : "stored the kernel in")} [bold]{Markup.Escape(dbFile.FullName)}[/]"
                    + $", committed through block {block}");
            }
            await system.Terminate();
            // the journal's pooled connections are closed, so SQLite checkpoints and removes its -wal and -shm files
            SqliteConnection.ClearAllPools();
            if (dumpFile is not null)
            {
                try
                {
                    await using var f = dumpFile.Create();
                    KernelStateDump.WriteJson(result.Dump, f);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"swingset demo: the kernel is committed, but --dump {dumpFile.FullName} could not be written ({e.Message.TrimEnd('.')})");
                    return 2;
                }
                AnsiConsole.MarkupLine($"kernel state written to [bold]{Markup.Escape(dumpFile.FullName)}[/] ({result.Dump.Count} keys)");
            }
            return result.Audit.IsClean ? 0 : 1;
        });
        return cmd;
    }

    /// <summary>The upper bounds of the scenario's size: beyond them a run would exhaust memory or take days.</summary>
    private const int MaxVats = 100_000, MaxHops = 1_000;

    /// <summary>The largest block interval: a block's writes are held in memory until it commits.</summary>
    private const long MaxCommitEvery = 1_000_000;

    private static string? Validate(int vats, int hops, int upgrades, long commitEvery) =>
        vats is < 2 or > MaxVats ? $"--vats must be between 2 and {MaxVats:N0} (got {vats})"
        : hops is < 0 or > MaxHops ? $"--hops must be between 0 and {MaxHops:N0} (got {hops})"
        : upgrades < 0 || upgrades > vats ? $"--upgrades must be between 0 and --vats ({vats}) (got {upgrades})"
        : commitEvery is < 1 or > MaxCommitEvery ? $"--commit-every must be between 1 and {MaxCommitEvery:N0} (got {commitEvery})"
        : null;

    /// <summary>Why the dump cannot be written to <paramref name="file"/>, or null; checked without creating anything.</summary>
    private static string? DumpProblem(FileInfo file)
    {
        if (Directory.Exists(file.FullName)) return $"--dump {file.FullName} is a directory";
        if (!Directory.Exists(file.DirectoryName)) return $"--dump {file.FullName}: no such folder {file.DirectoryName}";
        if (file.Exists && !Files.Writable(file.FullName)) return $"--dump {file.FullName} is read-only";
        if (!Files.Writable(file.DirectoryName!)) return $"--dump {file.FullName}: the folder {file.DirectoryName} is read-only";
        return null;
    }

    /// <summary>
    /// Why the demo must not write to the database, or null: an existing read-only file or folder is refused before
    /// anything opens it (by its permission bits, so also when running as root, who could write anyway).
    /// </summary>
    private static string? ReadOnlyProblem(string path)
    {
        if (ReadOnlySqlite.DanglingLink(path) is { } dangling) return dangling;
        var folder = Path.GetDirectoryName(path)!;
        if (File.Exists(path) && !Files.Writable(path)) return $"{path} is read-only; the demo writes its kernel to it";
        if (Directory.Exists(folder) && !Files.Writable(folder))
            return $"the folder {folder} is read-only; the demo writes its kernel there, and SQLite creates files beside the database";
        return null;
    }

    private static void Print(DemoResult r, int vats)
    {
        var s = r.Stats;
        var t = new Table().Title($"ActorSwingSet demo: {vats} vats").AddColumn("what").AddColumn(new TableColumn("count").RightAligned());
        void Row(string what, long n) => t.AddRow(what, n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        Row("cranks", s.CrankNumber);
        Row("  routing cranks", s[KernelStat.RoutingCranks]);
        Row("  delivery cranks", s[KernelStat.DeliveryCranks]);
        Row("deliveries", s.Deliveries);
        Row("  message", s[KernelStat.DeliverMessage]);
        Row("  notify", s[KernelStat.DeliverNotify]);
        Row("  startVat", s[KernelStat.DeliverStartVat]);
        Row("  bringOutYourDead", s[KernelStat.DeliverBringOutYourDead]);
        Row("  dropExports / retireExports / retireImports", s[KernelStat.DeliverDropExports] + s[KernelStat.DeliverRetireExports] + s[KernelStat.DeliverRetireImports]);
        Row("syscalls", s[KernelStat.Syscalls]);
        Row("promises created", s[KernelStat.PromisesCreated]);
        Row("promises fulfilled", s[KernelStat.PromisesFulfilled]);
        Row("promises rejected", s[KernelStat.PromisesRejected]);
        Row("promises deleted", s[KernelStat.PromisesDeleted]);
        Row("promises left in the table", s.PromiseCount);
        Row("upgrades succeeded", s[KernelStat.UpgradesSucceeded]);
        Row("upgrades failed", s[KernelStat.UpgradesFailed]);
        Row("live vats", s.LiveVats);
        AnsiConsole.Write(t);
        AnsiConsole.MarkupLine(r.Audit.IsClean ? $"[green]{Markup.Escape(r.Audit.ToString())}[/]" : $"[red]{Markup.Escape(r.Audit.ToString())}[/]");
        AnsiConsole.MarkupLine($"this run: {r.CranksThisRun:N0} cranks in {r.Elapsed.TotalSeconds:F2} s ({r.CranksThisRun / Math.Max(r.Elapsed.TotalSeconds, 1e-9):N0} cranks/s)");
    }
}
