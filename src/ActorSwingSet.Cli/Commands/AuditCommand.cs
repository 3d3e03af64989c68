using System.CommandLine;
using ActorSwingSet.Audit;

namespace ActorSwingSet.Cli.Commands;

/// <summary><c>swingset audit --db FILE</c>: reads a stored kernel's committed state read-only and audits it, changing nothing.</summary>
public static class AuditCommand
{
    public static Command Build()
    {
        var db = new Option<FileInfo>("--db") { Description = "an ActorSwingSet SQLite database (opened read-only)", Required = true };
        var cmd = new Command("audit", "recount every reference of a stored kernel and check the invariants") { db };
        cmd.SetAction(parse =>
        {
            var (stored, problem) = StoredKernel.Read(parse.GetValue(db)!, "audit");
            if (stored is null)
            {
                Console.Error.WriteLine(problem);
                return 2;
            }
            var report = KernelAudit.Run(stored.State.State);
            Console.WriteLine($"block {stored.State.Block}, crank {stored.State.State.GetValueOrDefault("crankNumber")}: {report}");
            return report.IsClean ? 0 : 1;
        });
        return cmd;
    }
}
