using System.CommandLine;
using System.Text.Json;
using ActorSwingSet.References;
using ActorSwingSet.Remediation;
using ActorSwingSet.Schema;

namespace ActorSwingSet.Cli.Commands;

/// <summary>
/// <c>swingset repair --db FILE --claim vN:kpM ...</c> (or <c>--claims FILE</c>, e.g. <c>scan --json</c> output):
/// the kernel checks each alleged (vat, kpid) pair and repairs only those that really are damaged. The verdicts are
/// printed once the repairs are committed. Exit code 0 when every claim was repaired (or none was made: a clean
/// scan), 1 when some claim could not be verified (those are refused, the others repaired), 2 on bad input or
/// when the repairs could not be committed (then nothing was changed).
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
            var file = parse.GetValue(claimsFile);
            try
            {
                claims = [.. (parse.GetValue(claim) ?? []).Select(ParseClaim)];
                if (file is not null) claims.AddRange(ReadClaims(file));
            }
            catch (Exception e) when (e is FormatException or JsonException or IOException or UnauthorizedAccessException or KeyNotFoundException or InvalidOperationException)
            {
                Console.Error.WriteLine("swingset repair: bad claims: " + e.Message.Split('\n')[0]);
                return 2;
            }
            if (claims.Count == 0 && file is null)
            {
                Console.Error.WriteLine("swingset repair: no claims given (--claim vatID:kpid or --claims FILE)");
                return 2;
            }
            var (stored, problem) = StoredKernel.Read(parse.GetValue(db)!, "repair");
            problem ??= stored!.WriteProblem("repair");
            if (problem is not null)
            {
                Console.Error.WriteLine(problem);
                return 2;
            }
            if (claims.Count == 0)
            {
                Console.WriteLine($"{file!.FullName} claims no damaged promise: nothing to repair");
                return 0;
            }
            var state = stored!.State.State;
            IReadOnlyList<KvWrite> writes;
            IReadOnlyList<ClaimVerdict> verdicts;
            try
            {
                (writes, verdicts) = await SchemaUpgrade.RepairAsync(state, claims);
            }
            catch (FormatException e)
            {
                // state of another schema version: version 2 is repaired whole by upgrade-state, which the message names
                Console.Error.WriteLine($"swingset repair: {stored.Path}: {e.Message.Split('\n')[0]}");
                return 2;
            }
            var repaired = verdicts.Count(v => v.Repaired);
            long? block = null;
            if (repaired > 0)
            {
                try
                {
                    block = await stored.CommitAsync(long.Parse(state[KvKeys.CrankNumber], System.Globalization.CultureInfo.InvariantCulture), writes);
                }
                catch (StorageFileException e)
                {
                    Console.Error.WriteLine($"swingset repair: the repairs could not be committed to {stored.Path}: {e.Message}");
                    return 2;
                }
            }
            foreach (var v in verdicts)
                Console.WriteLine(v.Repaired ? $"{v.VatId} {v.Kpid}: repaired (a notify is queued)" : $"{v.VatId} {v.Kpid}: refused: {v.Refusal}");
            var refused = verdicts.Count - repaired;
            if (block is { } b) Console.WriteLine($"{repaired} repaired, {refused} refused; committed as block {b}; the notifies are delivered when the kernel next runs");
            else Console.WriteLine($"none of the {refused} claim(s) is damaged: nothing was repaired");
            return refused == 0 ? 0 : 1;
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
        if (Directory.Exists(file.FullName)) throw new IOException($"{file.FullName} is a directory, not a claims file");
        // also a FIFO or a device (their length is 0), which reading would wait on
        if (file.Exists && file.Length == 0) throw new FormatException($"{file.FullName} is an empty file, not a claims file");
        using var doc = JsonDocument.Parse(File.ReadAllText(file.FullName));
        var list = doc.RootElement.ValueKind == JsonValueKind.Object
            ? doc.RootElement.TryGetProperty("damaged", out var damaged) ? damaged
                : throw new FormatException($"{file.FullName} is an object without \"damaged\" (scan --json output has one)")
            : doc.RootElement;
        if (list.ValueKind != JsonValueKind.Array) throw new FormatException($"{file.FullName} holds {list.ValueKind}, not a list of claims [{{\"vatID\":..,\"kpid\":..}}]");
        return [.. list.EnumerateArray().Select(e => ParseClaim(Text(e, "vatID") + ":" + Text(e, "kpid")))];
    }

    private static string Text(JsonElement claim, string name) =>
        claim.ValueKind == JsonValueKind.Object && claim.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new FormatException($"a claim without a string \"{name}\": {Shorten(claim.GetRawText())}");

    private static string Shorten(string json)
    {
        var line = json.ReplaceLineEndings(" ");
        return line.Length <= 60 ? line : line[..60] + "...";
    }
}
