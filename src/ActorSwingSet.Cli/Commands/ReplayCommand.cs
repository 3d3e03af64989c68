using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ActorSwingSet.Cli.Demo;
using ActorSwingSet.Persistence;
using ActorSwingSet.Vat.Transcript;
using ActorSwingSet.VatAdmin;
using ActorSwingSet.Vats;

namespace ActorSwingSet.Cli.Commands;

/// <summary>
/// <c>swingset replay --db FILE --vat NAME</c>: rebuilds one vat's worker offline, read-only, by replaying its current
/// incarnation's committed transcript exactly as a kernel does after a restart, and reports the outcome: success
/// with the time it took (exit 0), or the divergence (exit 1). The tool runs the vat's code, so it knows only the
/// bundles it carries: the demo's and the vat-admin vat's.
/// </summary>
public static class ReplayCommand
{
    public static Command Build()
    {
        var db = new Option<FileInfo?>("--db") { Description = "an ActorSwingSet SQLite database (opened read-only)" };
        var vat = new Option<string?>("--vat") { Description = "the vat to replay: its name or vat ID" };
        var cmd = new Command("replay", "replay a vat's transcript offline and report divergence, or success with its speed "
            + "(exit 0: replayed as recorded; 1: diverged; 2: bad input)") { db, vat };
        cmd.SetAction(parse =>
        {
            if (parse.GetValue(db) is not { } file || parse.GetValue(vat) is not { } name)
            {
                Console.Error.WriteLine("swingset replay: give --db FILE and --vat NAME");
                return 2;
            }
            var (stored, problem) = StoredKernel.Read(file, "replay");
            if (stored is null)
            {
                Console.Error.WriteLine(problem);
                return 2;
            }
            try
            {
                return Replay(stored, name);
            }
            catch (StorageFileException e)
            {
                Console.Error.WriteLine($"swingset replay: {stored.Path}: {e.Message}");
                return 2;
            }
            catch (Exception e) when (e is JsonException or FormatException or OverflowException)
            {
                Console.Error.WriteLine($"swingset replay: {stored.Path}: the vat's stored record is damaged ({KernelDatabase.OneLine(e)})");
                return 2;
            }
        });
        return cmd;
    }

    /// <summary>The vat bundles this tool can run.</summary>
    private static VatBundleRegistry Bundles()
    {
        var bundles = DemoScenario.Bundles();
        VatAdminVat.Register(bundles);
        return bundles;
    }

    private static int Replay(StoredKernel stored, string name)
    {
        var transcripts = KernelDatabase.ReadTranscripts(stored.Path);
        var vats = StoredVat.All(stored.State.State, transcripts);
        var v = vats.FirstOrDefault(x => x.VatId == name) ?? vats.FirstOrDefault(x => x.Name == name);
        var refusal = v switch
        {
            null => $"no vat named '{name}' (swingset vats lists them)",
            { Alive: false } => $"vat {v.VatId} is terminated; its transcript was deleted with it",
            { Bundle: null } => $"vat {v.VatId} has no bundle on record",
            _ when !Bundles().Contains(v.Bundle!) => $"vat {v.VatId} runs bundle '{v.Bundle}', which this tool does not carry (it runs the demo's and the vat-admin vat's)",
            _ => null,
        };
        if (refusal is not null)
        {
            Console.Error.WriteLine($"swingset replay: {stored.Path}: {refusal}");
            return 2;
        }
        var items = transcripts.Items.Where(i => i.VatId == v!.VatId && i.Incarnation == v.Incarnation).OrderBy(i => i.Position).ToList();
        var span = items.Select(i => TranscriptJson.ParseEntry(i.Item)).ToList();
        if (span.Count == 0 || span[0].Delivery is not StartVatDelivery)
        {
            Console.Error.WriteLine($"swingset replay: {stored.Path}: vat {v!.VatId}'s incarnation {v.Incarnation} has no transcript from its start "
                + "(state stored before transcripts were kept); nothing to replay");
            return 2;
        }
        var clock = Stopwatch.StartNew();
        var divergence = TranscriptReplay.Replay(v!.VatId, items[0].Position, Bundles().Create(v.Bundle!), span);
        clock.Stop();
        var what = $"{v.VatId} ({v.Name ?? "dynamic"}, bundle {v.Bundle}, incarnation {v.Incarnation})";
        if (divergence is not null)
        {
            Console.WriteLine($"{what}: {divergence}");
            return 1;
        }
        var seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-6);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: replayed {span.Count:N0} deliveries (positions {items[0].Position:N0}-{items[^1].Position:N0}) as recorded, "
            + $"in {clock.Elapsed.TotalMilliseconds:N0} ms ({span.Count / seconds:N0} deliveries/s)"));
        return 0;
    }
}
