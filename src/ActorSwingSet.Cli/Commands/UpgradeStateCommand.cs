using System.CommandLine;
using Akka.Actor;
using ActorSwingSet.Persistence;
using ActorSwingSet.Remediation;

namespace ActorSwingSet.Cli.Commands;

/// <summary>
/// <c>swingset upgrade-state --db FILE</c>: brings stored state to the current schema, once. From version 2 (state
/// written with the #9039 upgrade leak) that is the remediation: a notify held for every damaged promise, which
/// the kernel delivers after the host injects them. Running it again changes nothing.
/// </summary>
public static class UpgradeStateCommand
{
    public static Command Build()
    {
        var db = new Option<FileInfo>("--db") { Description = "an ActorSwingSet SQLite database", Required = true };
        var cmd = new Command("upgrade-state", "upgrade a stored kernel's state to the current schema (repairs #9039 damage)") { db };
        cmd.SetAction(async parse =>
        {
            await using var stored = await StoredKernel.OpenAsync(parse.GetValue(db)!, "upgrade-state");
            if (stored.Problem is { } problem)
            {
                Console.Error.WriteLine(problem);
                return 2;
            }
            var state = stored.State!.State;
            var (writes, report) = await SchemaUpgrade.UpgradeAsync(state);
            if (report is null)
            {
                Console.WriteLine($"already at schema version {Dump.KernelStateDump.SchemaVersion}: nothing to do");
                return 0;
            }
            var crank = long.Parse(state["crankNumber"], System.Globalization.CultureInfo.InvariantCulture);
            var block = await stored.Journal!.Ask<BlockStored>(new CommitBlock(crank, writes), TimeSpan.FromMinutes(10));
            Console.WriteLine($"upgraded to schema version {Dump.KernelStateDump.SchemaVersion} in block {block.Block}: " +
                              $"{report.Repaired.Count} damaged promise(s) found in {report.VatsScanned} vats ({report.PromiseEntriesRead} c-list promise entries read); " +
                              "their repairs wait in upgradeEvents until the host injects them");
            return 0;
        });
        return cmd;
    }
}
