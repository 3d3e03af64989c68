using System.CommandLine;
using ActorSwingSet.Remediation;
using ActorSwingSet.Schema;

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
            var (stored, problem) = StoredKernel.Read(parse.GetValue(db)!, "upgrade-state");
            problem ??= stored!.WriteProblem("upgrade-state");
            if (problem is not null)
            {
                Console.Error.WriteLine(problem);
                return 2;
            }
            var state = stored!.State.State;
            IReadOnlyList<KvWrite> writes;
            RemediationReport? report;
            try
            {
                (writes, report) = await SchemaUpgrade.UpgradeAsync(state);
            }
            catch (FormatException e)
            {
                Console.Error.WriteLine($"swingset upgrade-state: {stored.Path}: {e.Message.Split('\n')[0]}");
                return 2;
            }
            if (report is null)
            {
                Console.WriteLine($"already at schema version {KernelStateDump.SchemaVersion}: nothing to do");
                return 0;
            }
            long block;
            try
            {
                block = await stored.CommitAsync(long.Parse(state[KvKeys.CrankNumber], System.Globalization.CultureInfo.InvariantCulture), writes);
            }
            catch (StorageFileException e)
            {
                Console.Error.WriteLine($"swingset upgrade-state: the upgrade could not be committed to {stored.Path}: {e.Message}");
                return 2;
            }
            Console.WriteLine($"upgraded to schema version {KernelStateDump.SchemaVersion} in block {block}: " +
                              $"{report.Repaired.Count} damaged promise(s) found in {report.VatsScanned} vats ({report.PromiseEntriesRead} c-list promise entries read); " +
                              "their repairs wait in upgradeEvents until the host injects them");
            return 0;
        });
        return cmd;
    }
}
