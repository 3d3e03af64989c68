using System.CommandLine;
using Akka.Actor;
using ActorSwingSet.Cli.Demo;
using ActorSwingSet.Controller;
using ActorSwingSet.Dump;
using ActorSwingSet.Kernel.State;
using ActorSwingSet.Persistence;
using Akka.Configuration;
using Spectre.Console;

namespace ActorSwingSet.Cli.Commands;

/// <summary><c>swingset demo</c>: the built-in many-vat scenario with upgrades, and a readable summary.</summary>
public static class DemoCommand
{
    public static Command Build()
    {
        var vats = new Option<int>("--vats") { Description = "number of vats in the ring", DefaultValueFactory = _ => 1000 };
        var hops = new Option<int>("--hops") { Description = "hops each relayed message travels", DefaultValueFactory = _ => 5 };
        var upgrades = new Option<int>("--upgrades") { Description = "vats to upgrade", DefaultValueFactory = _ => 5 };
        var dump = new Option<FileInfo?>("--dump") { Description = "write the final kernel state (kvStore schema) as one JSON object to FILE" };
        var db = new Option<FileInfo>("--db") { Description = "the SQLite database the kernel lives in; a second run continues from it", DefaultValueFactory = _ => new FileInfo("swingset.db") };
        var inMemory = new Option<bool>("--in-memory") { Description = "keep the kernel in memory only (no database)" };
        var commitEvery = new Option<long>("--commit-every") { Description = "commit a block every N cranks", DefaultValueFactory = _ => 1000 };
        var cmd = new Command("demo", "run the built-in scenario: a ring of vats exchanging messages and promises, with upgrades")
        {
            vats, hops, upgrades, dump, db, inMemory, commitEvery,
        };
        cmd.SetAction(async (parse, _) =>
        {
            var n = parse.GetValue(vats);
            var h = parse.GetValue(hops);
            var u = parse.GetValue(upgrades);
            var every = parse.GetValue(commitEvery);
            if (n < 2 || h < 0 || u < 0 || every < 1)
            {
                Console.Error.WriteLine("swingset demo: --vats must be at least 2, --hops and --upgrades at least 0, --commit-every at least 1");
                return 2;
            }
            var dumpFile = parse.GetValue(dump);
            var durable = !parse.GetValue(inMemory);
            var dbFile = parse.GetValue(db)!;
            var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING");
            if (durable) config = config.WithFallback(SqliteStorage.Config(dbFile.FullName, every));
            using var system = ActorSystem.Create("swingset-demo", config);
            var controller = SwingSetController.Start(system, DemoScenario.Config(n));
            DemoResult result;
            try
            {
                // repairs a schema upgrade left waiting, if any, go in first (as SwingSet's host does)
                if (durable) await controller.InjectQueuedUpgradeEventsAsync();
                result = await DemoScenario.RunAsync(controller, h, u, new Progress<string>(m => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(m)}[/]")));
            }
            catch (Exception e) when (e is Kernel.KernelPanicException or DemoKernelException)
            {
                Console.Error.WriteLine("swingset demo: " + e.Message);
                return 2;
            }
            Print(result, (int)result.Stats.LiveVats);
            if (durable)
            {
                var block = await controller.CommitAsync();
                AnsiConsole.MarkupLine($"{(result.Continued ? "continued the kernel stored in" : "stored the kernel in")} [bold]{Markup.Escape(dbFile.FullName)}[/], committed through block {block}");
            }
            if (dumpFile is not null)
            {
                await using var f = dumpFile.Create();
                KernelStateDump.WriteJson(result.Dump, f);
                AnsiConsole.MarkupLine($"kernel state written to [bold]{Markup.Escape(dumpFile.FullName)}[/] ({result.Dump.Count} keys)");
            }
            await system.Terminate();
            return result.Audit.IsClean ? 0 : 1;
        });
        return cmd;
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
