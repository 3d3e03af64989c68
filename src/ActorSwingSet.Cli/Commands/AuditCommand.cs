using System.CommandLine;
using ActorSwingSet.Audit;

namespace ActorSwingSet.Cli.Commands;

/// <summary>
/// <c>swingset audit --db FILE</c>: recovers a stored kernel's committed state and audits it, changing nothing.
/// <c>swingset audit --swingstore FILE</c>: recounts a SwingSet swing-store's references (see <see cref="SwingStoreAuditCommand"/>).
/// </summary>
public static class AuditCommand
{
    public static Command Build()
    {
        var db = new Option<FileInfo?>("--db") { Description = "an ActorSwingSet SQLite database" };
        var swingstore = new Option<FileInfo?>("--swingstore") { Description = "a SwingSet swing-store SQLite file (table kvStore), opened read-only" };
        var json = new Option<bool>("--json") { Description = "with --swingstore: print the result as one JSON object" };
        var cmd = new Command("audit", "recount every reference of a stored kernel (or of a SwingSet swing-store) and check the invariants") { db, swingstore, json };
        cmd.SetAction(async parse =>
        {
            if ((parse.GetValue(db) is null) == (parse.GetValue(swingstore) is null))
            {
                Console.Error.WriteLine("swingset audit: give exactly one of --db FILE and --swingstore FILE");
                return 2;
            }
            if (parse.GetValue(swingstore) is { } store) return SwingStoreAuditCommand.Run(store, parse.GetValue(json));
            await using var stored = await StoredKernel.OpenAsync(parse.GetValue(db)!, "audit");
            if (stored.Problem is { } problem)
            {
                Console.Error.WriteLine(problem);
                return 2;
            }
            var state = stored.State!;
            var report = KernelAudit.Run(state.State);
            Console.WriteLine($"block {state.Block}, crank {state.State.GetValueOrDefault("crankNumber")}: {report}");
            return report.IsClean ? 0 : 1;
        });
        return cmd;
    }
}
