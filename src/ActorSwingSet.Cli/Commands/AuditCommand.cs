using System.CommandLine;
using ActorSwingSet.Schema;

namespace ActorSwingSet.Cli.Commands;

/// <summary>
/// <c>swingset audit --db FILE</c>: reads a stored kernel's committed state read-only and audits it, changing nothing.
/// <c>swingset audit --swingstore FILE</c>: recounts a SwingSet swing-store's references (see <see cref="SwingStoreAuditCommand"/>).
/// </summary>
public static class AuditCommand
{
    public static Command Build()
    {
        var db = new Option<FileInfo?>("--db") { Description = "an ActorSwingSet SQLite database (opened read-only)" };
        var swingstore = new Option<FileInfo?>("--swingstore") { Description = "a SwingSet swing-store SQLite file (table kvStore), opened read-only" };
        var json = new Option<bool>("--json") { Description = "with --swingstore: print the result as one JSON object" };
        var cmd = new Command("audit", "recount every reference of a stored kernel (or of a SwingSet swing-store) and check the invariants") { db, swingstore, json };
        cmd.SetAction(parse =>
        {
            if ((parse.GetValue(db) is null) == (parse.GetValue(swingstore) is null))
            {
                Console.Error.WriteLine("swingset audit: give exactly one of --db FILE and --swingstore FILE");
                return 2;
            }
            if (parse.GetValue(swingstore) is { } store) return SwingStoreAuditCommand.Run(store, parse.GetValue(json));
            var (stored, problem) = StoredKernel.Read(parse.GetValue(db)!, "audit");
            if (stored is null)
            {
                Console.Error.WriteLine(problem);
                return 2;
            }
            var report = KernelAudit.Run(stored.State.State);
            Console.WriteLine($"block {stored.State.Block}, crank {stored.State.State.GetValueOrDefault(KvKeys.CrankNumber)}: {report}");
            return report.IsClean ? 0 : 1;
        });
        return cmd;
    }
}
