using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using ActorSwingSet.Persistence;
using ActorSwingSet.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit;
using static ActorSwingSet.Tests.Support.Probe;

namespace ActorSwingSet.Tests.Tools;

/// <summary>
/// <c>swingset vats --db FILE [--json]</c> lists a stored kernel's vats from its committed state and transcript tables,
/// read-only (its bad input is in <see cref="BadInputMatrixTests"/>).
/// </summary>
[Collection(ConsoleCapture.Name)]
public sealed class VatsCommandTests : ScratchDirectoryTest
{
    private string Db => Path.Combine(Dir, "kernel.db");

    private static List<JsonElement> Vats(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return [.. doc.RootElement.GetProperty("vats").EnumerateArray().Select(v => v.Clone())];
    }

    [Fact]
    public async Task A_demo_database_lists_each_vat_with_its_incarnation_and_sizes_in_a_table_and_as_json()
    {
        var demo = await SwingsetCli.Run("demo", "--vats", "4", "--hops", "1", "--upgrades", "1", "--db", Db);
        Assert.True(demo.Code == 0, demo.Err);
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(Db)));
        var state = KernelDatabase.Read(Db, "actorswingset-kernel");

        var (code, stdout, stderr) = await SwingsetCli.Run("vats", "--db", Db, "--json");
        Assert.True(code == 0, stderr);
        var vats = Vats(stdout);
        Assert.Equal(["v1", "v2", "v3", "v4"], vats.Select(v => v.GetProperty("vatID").GetString()));
        Assert.Equal(["node0000", "node0001", "node0002", "node0003"], vats.Select(v => v.GetProperty("name").GetString()));
        Assert.Equal(["demo-v2", "demo-v1", "demo-v1", "demo-v1"], vats.Select(v => v.GetProperty("bundle").GetString()));
        Assert.Equal([1L, 0, 0, 0], vats.Select(v => v.GetProperty("incarnation").GetInt64()));
        Assert.All(vats, v => Assert.Equal(("alive", false), (v.GetProperty("status").GetString(), v.GetProperty("online").GetBoolean())));
        // what the demo's vats recorded: each vat's current span, v1's starting after the incarnation its upgrade ended
        // (pruned: keep-transcripts is off)
        var transcripts = KernelDatabase.ReadTranscripts(Db);
        var spans = vats.Select(v => transcripts.Spans.Single(s => s.VatId == v.GetProperty("vatID").GetString() && s.IsCurrent)).ToList();
        Assert.Equal(spans.Select(s => s.EndPos - s.StartPos), vats.Select(v => v.GetProperty("transcriptLength").GetInt64()));
        Assert.Equal(spans.Select(s => s.EndPos), vats.Select(v => v.GetProperty("transcriptPositions").GetInt64()));
        Assert.All(spans, s => Assert.True(s.EndPos > s.StartPos));
        Assert.Equal([1L, 0, 0, 0], spans.Select(s => s.Incarnation));
        Assert.True(spans[0].StartPos > 0);
        Assert.Equal(spans[0].StartPos, transcripts.Items.Where(i => i.VatId == "v1").Min(i => i.Position));
        foreach (var v in vats)
        {
            var id = v.GetProperty("vatID").GetString()!;
            // counted here from the keys: one c-list entry per kref key (its vref twin is the same entry), and every vatstore key
            Assert.Equal(state.State.Keys.Count(k => k.StartsWith(id + ".c.k", StringComparison.Ordinal)), v.GetProperty("clistSize").GetInt64());
            Assert.Equal(state.State.Keys.Count(k => k.StartsWith(id + ".vs.", StringComparison.Ordinal)), v.GetProperty("vatstoreSize").GetInt64());
            Assert.True(v.GetProperty("clistSize").GetInt64() > 0 && v.GetProperty("vatstoreSize").GetInt64() > 0);
        }
        Assert.Equal(state.Block, JsonDocument.Parse(stdout).RootElement.GetProperty("block").GetInt64());

        (code, stdout, stderr) = await SwingsetCli.Run("vats", "--db", Db);
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()).ToList();
        Assert.Equal("vat name     bundle  inc status online items positions c-list vatstore", lines[0]);
        var v1 = vats[0];
        Assert.Matches($@"^v1  node0000 demo-v2 +1 alive +no +{spans[0].EndPos - spans[0].StartPos} +{spans[0].EndPos} " +
            $@"+{v1.GetProperty("clistSize").GetInt64()} +{v1.GetProperty("vatstoreSize").GetInt64()}$", lines[1]);
        Assert.StartsWith("v4 ", lines[4], StringComparison.Ordinal);
        Assert.StartsWith($"4 vat(s) at block {state.Block}, 4 alive.", lines[5], StringComparison.Ordinal);
        Assert.All(lines, l => Assert.True(l.Length <= 80, l));
        // read-only: the file is as it was, nothing beside it
        Assert.Equal(hash, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(Db))));
        Assert.Equal(["kernel.db"], Directory.GetFiles(Dir).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_terminated_vat_is_listed_as_terminated_without_its_transcript()
    {
        var log = new ProbeLog();
        using (var system = ActorSystem.Create("vats", ConfigurationFactory.ParseString("akka.loglevel = OFF").WithFallback(SqliteStorage.Config(Db))))
        {
            var c = SwingSetController.Start(system, Config(log, "A", "B"));
            await c.RunAsync();
            await c.TerminateVatAsync("B", "done with it");
            await c.RunAsync();
            await c.StopAsync();
            await system.Terminate();
        }
        SqliteConnection.ClearAllPools();

        var (code, stdout, stderr) = await SwingsetCli.Run("vats", "--db", Db, "--json");
        Assert.True(code == 0, stderr);
        var vats = Vats(stdout);
        Assert.Equal(["v1", "v2"], vats.Select(v => v.GetProperty("vatID").GetString()));
        Assert.Equal(["alive", "terminated"], vats.Select(v => v.GetProperty("status").GetString()));
        Assert.Equal("A", vats[0].GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, vats[1].GetProperty("name").ValueKind);
        Assert.Equal((0L, 0L), (vats[1].GetProperty("clistSize").GetInt64(), vats[1].GetProperty("vatstoreSize").GetInt64()));
        Assert.Equal(0L, vats[1].GetProperty("transcriptPositions").GetInt64());
    }
}
