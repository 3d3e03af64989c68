using System.CommandLine;
using System.Text.Json;
using Akka.Actor;
using ActorSwingSet.Persistence;
using ActorSwingSet.References;
using ActorSwingSet.Remediation;

namespace ActorSwingSet.Cli.Commands;

/// <summary>
/// <c>swingset repair --db FILE --claim vN:kpM ...</c> (or <c>--claims FILE</c>, e.g. <c>scan --json</c> output):
/// the kernel checks each alleged (vat, kpid) pair and repairs only those that really are damaged.
/// </summary>
public static class RepairCommand
{
    public static Command Build()
    {
        var db = new Option<FileInfo>("--db") { Description = "an ActorSwingSet SQLite database", Required = true };
        var claim = new Option<string[]>("--claim") { Description = "an alleged damaged pair, vatID:kpid (repeatable)", AllowMultipleArgumentsPerToken = true };
        var claimsFile = new Option<FileInfo?>("--claims") { Description = "a JSON file of claims: [{\"vatID\":..,\"kpid\":..}] or scan --json output" };
        var cmd = new Command("repair", "repair alleged #9039 damage, checking each claim first") { db, claim, claimsFile };
        cmd.SetAction(async parse =>
        {
            List<(string, Kref)> claims;
            try
            {
                claims = [.. (parse.GetValue(claim) ?? []).Select(ParseClaim)];
                if (parse.GetValue(claimsFile) is { } f) claims.AddRange(ReadClaims(f));
            }
            catch (Exception e) when (e is FormatException or JsonException or IOException or KeyNotFoundException or InvalidOperationException)
            {
                Console.Error.WriteLine("swingset repair: bad claims: " + e.Message.Split('\n')[0]);
                return 2;
            }
            if (claims.Count == 0)
            {
                Console.Error.WriteLine("swingset repair: no claims given (--claim vatID:kpid or --claims FILE)");
                return 2;
            }
            await using var stored = await StoredKernel.OpenAsync(parse.GetValue(db)!, "repair");
            if (stored.Problem is { } problem)
            {
                Console.Error.WriteLine(problem);
                return 2;
            }
            var state = stored.State!.State;
            var (writes, verdicts) = await SchemaUpgrade.RepairAsync(state, claims);
            foreach (var v in verdicts)
                Console.WriteLine(v.Repaired ? $"{v.VatId} {v.Kpid}: repaired (a notify is queued)" : $"{v.VatId} {v.Kpid}: refused: {v.Refusal}");
            if (verdicts.Any(v => v.Repaired))
            {
                var crank = long.Parse(state["crankNumber"], System.Globalization.CultureInfo.InvariantCulture);
                var block = await stored.Journal!.Ask<BlockStored>(new CommitBlock(crank, writes), TimeSpan.FromMinutes(10));
                Console.WriteLine($"committed as block {block.Block}; the notifies are delivered when the kernel next runs");
            }
            return 0;
        });
        return cmd;
    }

    private static (string, Kref) ParseClaim(string text)
    {
        var parts = text.Split(':');
        if (parts.Length != 2 || !VatId.IsValid(parts[0]) || !Kref.TryParse(parts[1], out var kpid))
            throw new FormatException($"'{text}' is not vatID:kpid");
        return (parts[0], kpid);
    }

    private static IEnumerable<(string, Kref)> ReadClaims(FileInfo file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(file.FullName));
        var list = doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.GetProperty("damaged") : doc.RootElement;
        return [.. list.EnumerateArray().Select(e => ParseClaim(e.GetProperty("vatID").GetString() + ":" + e.GetProperty("kpid").GetString()))];
    }
}
