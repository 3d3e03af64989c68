using System.CommandLine;
using System.Text.Json;
using ActorSwingSet.Remediation;
using Microsoft.Data.Sqlite;
using Spectre.Console;

namespace ActorSwingSet.Cli.Commands;

/// <summary>
/// <c>swingset scan --swingstore FILE</c>: lists the (vat, kpid) pairs damaged by SwingSet #9039 in a real
/// swing-store, read-only, with the work a repair would take; <c>--db FILE</c> scans a stored ActorSwingSet kernel.
/// Exit code 1 when it finds damage.
/// </summary>
public static class ScanCommand
{
    public static Command Build()
    {
        var swingstore = new Option<FileInfo?>("--swingstore") { Description = "a SwingSet swing-store SQLite file (table kvStore), opened read-only" };
        var db = new Option<FileInfo?>("--db") { Description = "an ActorSwingSet SQLite database (its committed state)" };
        var json = new Option<bool>("--json") { Description = "print the result as one JSON object" };
        var cmd = new Command("scan", "find promises damaged by SwingSet bug #9039 (settled, still in a vat's c-list, no notify pending)")
        {
            swingstore, db, json,
        };
        cmd.SetAction(async parse =>
        {
            var store = parse.GetValue(swingstore);
            var ours = parse.GetValue(db);
            var asJson = parse.GetValue(json);
            if ((store is null) == (ours is null))
            {
                Console.Error.WriteLine("swingset scan: give exactly one of --swingstore FILE and --db FILE");
                return 2;
            }
            IReadOnlyDictionary<string, string>? state = null;
            if (ours is not null)
            {
                var (stored, problem) = StoredKernel.Read(ours, "scan");
                if (stored is null)
                {
                    Console.Error.WriteLine(problem);
                    return 2;
                }
                state = stored.State.State;
            }
            ScanResult Run(IProgress<(int Done, int Total)>? progress) =>
                state is not null ? SwingStoreScanner.Scan(state, progress) : SwingStoreScanner.Scan(store!.FullName, progress);
            ScanResult result;
            try
            {
                result = asJson
                    ? Run(null)
                    : AnsiConsole.Progress().AutoClear(true).Start(ctx =>
                    {
                        var task = ctx.AddTask("scanning c-lists");
                        return Run(new Progress<(int Done, int Total)>(p =>
                        {
                            task.MaxValue = p.Total;
                            task.Value = p.Done;
                        }));
                    });
            }
            catch (ScanInputException e)
            {
                Console.Error.WriteLine("swingset scan: " + e.Message);
                return 2;
            }
            catch (SqliteException e)
            {
                Console.Error.WriteLine($"swingset scan: {store!.FullName} cannot be read ({e.Message.Split('\n')[0].Trim().TrimEnd('.')})");
                return 2;
            }
            if (asJson) Console.WriteLine(JsonSerializer.Serialize(new
            {
                damaged = result.Damaged.Select(d => new { vatID = d.VatId, kpid = d.Kpid, vref = d.Vref, state = d.State }),
                vatsScanned = result.VatsScanned,
                promiseEntriesRead = result.PromiseEntriesRead,
                rowsRead = result.RowsRead,
                queries = result.Queries,
                writesToRepair = result.WritesToRepair,
                elapsedSeconds = result.Elapsed.TotalSeconds,
                version = result.StoredVersion,
                remediationDue = result.RemediationDue,
            }));
            else Print(result);
            return result.Damaged.Count == 0 ? 0 : 1;
        });
        return cmd;
    }

    private static void Print(ScanResult r)
    {
        if (!r.RemediationDue)
        {
            Console.WriteLine($"version {r.StoredVersion}: SwingSet's upgradeSwingset skips the #9039 step on this store; nothing to repair");
            return;
        }
        var byVat = new Table().AddColumn("vat").AddColumn(new TableColumn("damaged promises").RightAligned());
        foreach (var g in r.Damaged.GroupBy(d => d.VatId)) byVat.AddRow(g.Key, g.Count().ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (r.Damaged.Count > 0) AnsiConsole.Write(byVat);
        AnsiConsole.MarkupLine($"{r.Damaged.Count} damaged promise(s) in {r.VatsScanned} live vats; read {r.PromiseEntriesRead} c-list promise entries, " +
                               $"{r.RowsRead} rows in {r.Queries} queries; a repair would make {r.WritesToRepair} writes; {r.Elapsed.TotalSeconds:F3} s");
    }
}
