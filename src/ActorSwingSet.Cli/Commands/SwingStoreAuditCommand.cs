using System.Globalization;
using System.Text.Json;
using ActorSwingSet.Audit;
using ActorSwingSet.Remediation;
using Spectre.Console;

namespace ActorSwingSet.Cli.Commands;

/// <summary>
/// <c>swingset audit --swingstore FILE [--json]</c>: a full recount of a SwingSet swing-store's reference counts,
/// read-only, with each discrepancy classified and its evidence. Exit 0 clean, 1 discrepancies found, 2 bad input.
/// </summary>
public static class SwingStoreAuditCommand
{
    public static int Run(FileInfo file, bool asJson)
    {
        SwingStoreAuditReport report;
        try
        {
            report = SwingStoreAudit.Run(file.FullName);
        }
        catch (ScanInputException e)
        {
            Console.Error.WriteLine("swingset audit: " + e.Message);
            return 2;
        }
        if (asJson) Console.WriteLine(JsonSerializer.Serialize(new
        {
            version = report.Version,
            liveVats = report.LiveVats,
            terminatedVats = report.TerminatedVats,
            promises = report.Promises,
            objects = report.Objects,
            clistEntries = report.CListEntries,
            terminatedVatClistEntries = report.TerminatedVatCListEntries,
            deviceClistEntries = report.DeviceCListEntries,
            rowsRead = report.RowsRead,
            clean = report.IsClean,
            findings = report.Findings.Select(f => new
            {
                kref = f.Kref,
                classification = f.Classification,
                stored = f.Stored,
                found = f.Found,
                state = f.State,
                decider = f.Decider,
                holders = f.Holders.Select(h => new { kind = h.Kind, key = h.Key, detail = h.Detail }),
                evidence = f.Evidence,
            }),
        }));
        else Print(report);
        return report.IsClean ? 0 : 1;
    }

    private static void Print(SwingStoreAuditReport r)
    {
        if (r.Findings.Count > 0)
        {
            var table = new Table().AddColumn("kref").AddColumn("classification").AddColumn(new TableColumn("stored").RightAligned())
                .AddColumn(new TableColumn("found").RightAligned()).AddColumn("state");
            foreach (var f in r.Findings)
            {
                var state = f.State is null ? "" : f.Decider is null ? f.State : $"{f.State}, decider {f.Decider}";
                table.AddRow(Markup.Escape(f.Kref), Markup.Escape(f.Classification), Markup.Escape(f.Stored), Markup.Escape(f.Found), Markup.Escape(state));
            }
            AnsiConsole.Write(table);
            foreach (var f in r.Findings)
            {
                Console.WriteLine($"{f.Kref} ({f.Classification}): stored {f.Stored}, found {f.Found}");
                if (f.Holders.Count == 0) Console.WriteLine("  holders: none");
                foreach (var h in f.Holders) Console.WriteLine($"  holder: {h.Kind} {h.Key}: {h.Detail}");
                foreach (var e in f.Evidence) Console.WriteLine($"  evidence: {e}");
            }
        }
        var byClass = string.Join(", ", r.Findings.GroupBy(f => f.Classification).Select(g => $"{g.Count()} {g.Key}"));
        var terminated = r.TerminatedVats.Count == 0 ? "" :
            $"; {r.TerminatedVats.Count} terminated vat(s) awaiting deletion ({string.Join(", ", r.TerminatedVats)})"
            + $", their {r.TerminatedVatCListEntries} c-list holds counted";
        Console.WriteLine(
            (r.IsClean ? "swing-store audit clean" : $"swing-store audit found {r.Findings.Count} refcount discrepanc{(r.Findings.Count == 1 ? "y" : "ies")} ({byClass})")
            + $": version {r.Version ?? "none"}, {r.Promises} promises, {r.Objects} objects, {r.CListEntries} c-list entries in {r.LiveVats.Count} live vats{terminated}, "
            + $"{r.DeviceCListEntries} device c-list entries; {r.RowsRead.ToString(CultureInfo.InvariantCulture)} rows in {r.Elapsed.TotalSeconds:F3} s");
    }
}
