using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ActorSwingSet.Persistence;
using ActorSwingSet.Schema;
using Spectre.Console;

namespace ActorSwingSet.Cli.Commands;

/// <summary>
/// <c>swingset vats --db FILE [--json]</c>: one row per vat of a stored kernel, read-only (its committed state and its
/// transcript tables): vat ID, name, bundle, incarnation, status, whether online, the transcript's length (items of the
/// current span) and total positions, and the sizes of its c-list and vatstore.
/// </summary>
public static class VatsCommand
{
    public static Command Build()
    {
        var db = new Option<FileInfo?>("--db") { Description = "an ActorSwingSet SQLite database (opened read-only)" };
        var json = new Option<bool>("--json") { Description = "print the vats as one JSON object" };
        var cmd = new Command("vats", "list a stored kernel's vats: name, bundle, incarnation, status, transcript length, c-list and vatstore sizes. "
            + "Online is always \"no\": this tool reads the database, and no vat runs in it") { db, json };
        cmd.SetAction(parse =>
        {
            if (parse.GetValue(db) is not { } file)
            {
                Console.Error.WriteLine("swingset vats: give --db FILE");
                return 2;
            }
            var (stored, problem) = StoredKernel.Read(file, "vats");
            if (stored is null)
            {
                Console.Error.WriteLine(problem);
                return 2;
            }
            StoredTranscripts transcripts;
            try
            {
                transcripts = KernelDatabase.ReadTranscripts(stored.Path);
            }
            catch (StorageFileException e)
            {
                Console.Error.WriteLine($"swingset vats: {stored.Path}: {e.Message}");
                return 2;
            }
            List<StoredVat> vats;
            try
            {
                vats = StoredVat.All(stored.State.State, transcripts);
            }
            catch (Exception e) when (e is JsonException or FormatException or OverflowException)
            {
                Console.Error.WriteLine($"swingset vats: {stored.Path}: a vat's stored record is damaged ({KernelDatabase.OneLine(e)})");
                return 2;
            }
            if (parse.GetValue(json)) PrintJson(stored.State.Block, vats);
            else Print(stored.State.Block, vats);
            return 0;
        });
        return cmd;
    }

    private static void PrintJson(long block, IReadOnlyList<StoredVat> vats) => Console.WriteLine(JsonSerializer.Serialize(new
    {
        block,
        vats = vats.Select(v => new
        {
            vatID = v.VatId,
            name = v.Name,
            bundle = v.Bundle,
            incarnation = v.Incarnation,
            status = v.Alive ? "alive" : "terminated",
            online = false,
            transcriptLength = v.TranscriptLength,
            transcriptPositions = v.TranscriptPositions,
            clistSize = v.CListSize,
            vatstoreSize = v.VatstoreSize,
        }),
    }));

    private static void Print(long block, IReadOnlyList<StoredVat> vats)
    {
        static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
        // borderless and tight, so the ten columns fit an 80-column terminal
        var table = new Table().Border(TableBorder.None);
        foreach (var (header, right) in new[] { ("vat", false), ("name", false), ("bundle", false), ("inc", true), ("status", false), ("online", false),
                     ("items", true), ("positions", true), ("c-list", true), ("vatstore", true) })
            table.AddColumn(new TableColumn(header) { Alignment = right ? Justify.Right : Justify.Left, Padding = new Padding(0, 0, 1, 0), NoWrap = true });
        foreach (var v in vats)
            table.AddRow(Markup.Escape(v.VatId), Markup.Escape(v.Name ?? "-"), Markup.Escape(v.Bundle ?? "-"), v.Alive ? N(v.Incarnation) : "-",
                v.Alive ? "alive" : "terminated", "no", N(v.TranscriptLength), N(v.TranscriptPositions), N(v.CListSize), N(v.VatstoreSize));
        AnsiConsole.Write(table);
        Console.WriteLine($"{vats.Count} vat(s) at block {block}, {vats.Count(v => v.Alive)} alive. inc = incarnation; items = transcript items of the");
        Console.WriteLine("current incarnation's span; positions = deliveries recorded in all incarnations;");
        Console.WriteLine("online is always no (this tool reads the database; no vat runs in it)");
    }
}

/// <summary>One vat as <c>swingset vats</c> reports it, from a stored kernel's committed state and transcript tables.</summary>
internal sealed record StoredVat(string VatId, string? Name, string? Bundle, long Incarnation, bool Alive,
    long TranscriptLength, long TranscriptPositions, long CListSize, long VatstoreSize)
{
    /// <summary>
    /// Every vat of <paramref name="state"/> (live static and dynamic vats, then terminated ones, whose keys are gone
    /// but for the tombstone), by vat number.
    /// </summary>
    public static List<StoredVat> All(IReadOnlyDictionary<string, string> state, StoredTranscripts transcripts)
    {
        var ids = new SortedSet<string>(Comparer<string>.Create((a, b) => Number(a) != Number(b) ? Number(a).CompareTo(Number(b)) : string.CompareOrdinal(a, b)));
        foreach (var key in state.Keys)
            if (key.StartsWith(KvKeys.VatNamePrefix, StringComparison.Ordinal)) ids.Add(state[key]);
        foreach (var list in new[] { KvKeys.DynamicVatIds, KvKeys.TerminatedVats })
            if (state.TryGetValue(list, out var json)) ids.UnionWith(JsonSerializer.Deserialize<string[]>(json) ?? []);
        var terminated = state.TryGetValue(KvKeys.TerminatedVats, out var t) ? JsonSerializer.Deserialize<string[]>(t) ?? [] : [];
        var current = transcripts.Spans.Where(s => s.IsCurrent).ToDictionary(s => s.VatId, StringComparer.Ordinal);

        // one pass over the keys for the sizes: vN.c.kref (one per c-list entry; its vref twin is not counted) and vN.vs.*
        var clist = new Dictionary<string, long>(StringComparer.Ordinal);
        var vatstore = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var key in state.Keys)
        {
            if (!KvKeys.TrySplit(key, out var vat, out var field) || !ids.Contains(vat)) continue;
            if (field.StartsWith(KvKeys.Field.CListPrefix + "k", StringComparison.Ordinal)) clist[vat] = clist.GetValueOrDefault(vat) + 1;
            else if (field.StartsWith(KvKeys.Field.VatstorePrefix, StringComparison.Ordinal)) vatstore[vat] = vatstore.GetValueOrDefault(vat) + 1;
        }

        return [.. ids.Select(id =>
        {
            using var options = state.TryGetValue(KvKeys.VatOptions(id), out var o) ? JsonDocument.Parse(o) : null;
            using var source = state.TryGetValue(KvKeys.VatSource(id), out var s) ? JsonDocument.Parse(s) : null;
            var span = current.TryGetValue(id, out var c) ? c : (TranscriptSpan?)null;
            return new StoredVat(id,
                options?.RootElement.TryGetProperty("name", out var name) == true && name.ValueKind == JsonValueKind.String ? name.GetString() : null,
                source?.RootElement.TryGetProperty("bundleName", out var bundle) == true ? bundle.GetString() : null,
                state.TryGetValue(KvKeys.IncarnationNumber(id), out var n) ? long.Parse(n, CultureInfo.InvariantCulture) : 0,
                !terminated.Contains(id),
                span is { } sp ? sp.EndPos - sp.StartPos : 0,
                span?.EndPos ?? 0,
                clist.GetValueOrDefault(id),
                vatstore.GetValueOrDefault(id));
        })];
    }

    private static long Number(string vatId) => long.TryParse(vatId.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : long.MaxValue;
}
