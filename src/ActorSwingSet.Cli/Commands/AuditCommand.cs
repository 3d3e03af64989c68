using System.CommandLine;
using ActorSwingSet.Audit;

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
