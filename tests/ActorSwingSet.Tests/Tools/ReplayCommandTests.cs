using ActorSwingSet.Persistence;
using ActorSwingSet.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit;

namespace ActorSwingSet.Tests.Tools;

/// <summary>
/// <c>swingset replay</c>: a stored vat's worker rebuilt offline from its transcript, read-only; a transcript the code
/// does not reproduce is reported as the divergence (its bad input is in <see cref="BadInputMatrixTests"/>).
/// </summary>
[Collection(ConsoleCapture.Name)]
public sealed class ReplayCommandTests : ScratchDirectoryTest
{
    private string Db => Path.Combine(Dir, "kernel.db");

    private static string Hash(string file) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file)));

    private async Task Demo()
    {
        var demo = await SwingsetCli.Run("demo", "--vats", "6", "--hops", "2", "--upgrades", "1", "--db", Db);
        Assert.True(demo.Code == 0, demo.Err);
    }

    [Fact]
    public async Task A_stored_vat_replays_as_recorded_by_name_or_id_and_the_file_is_untouched()
    {
        await Demo();
        var hash = Hash(Db);
        var span = KernelDatabase.ReadTranscripts(Db).Spans.Single(s => s.VatId == "v1" && s.IsCurrent);

        var (code, stdout, stderr) = await SwingsetCli.Run("replay", "--db", Db, "--vat", "node0000");
        Assert.True(code == 0, stderr);
        Assert.StartsWith($"v1 (node0000, bundle demo-v2, incarnation 1): replayed {span.EndPos - span.StartPos} deliveries "
            + $"(positions {span.StartPos}-{span.EndPos - 1}) as recorded, in ", stdout.Trim(), StringComparison.Ordinal);
        Assert.Equal(0, (await SwingsetCli.Run("replay", "--db", Db, "--vat", "v2")).Code);
        Assert.Equal(hash, Hash(Db));
        Assert.Equal(["kernel.db"], Directory.GetFiles(Dir).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_transcript_the_code_does_not_reproduce_is_reported_as_the_divergence_with_exit_1()
    {
        await Demo();
        // the recorded delivery at position 1 of v2 now says it began with a syscall the code never makes
        using (var c = new SqliteConnection($"Data Source={Db};Pooling=False"))
        {
            c.Open();
            using var update = c.CreateCommand();
            update.CommandText = "UPDATE transcriptItems SET item = replace(item, '\"sc\":[', '\"sc\":[{\"s\":[\"subscribe\",\"p-999\"],\"r\":[\"ok\",null]},') "
                + "WHERE vatID = 'v2' AND position = 1";
            Assert.Equal(1, update.ExecuteNonQuery());
        }
        var hash = Hash(Db);
        var (code, stdout, _) = await SwingsetCli.Run("replay", "--db", Db, "--vat", "node0001");
        Assert.Equal(1, code);
        Assert.StartsWith("v2 (node0001, bundle demo-v1, incarnation 0): replay of v2 diverged at delivery 1: syscall 0 expected [\"subscribe\",\"p-999\"] but the vat made ",
            stdout.Trim(), StringComparison.Ordinal);
        Assert.Single(stdout.Trim().Split('\n'));
        Assert.Equal(hash, Hash(Db));
    }

    [Theory]
    [InlineData("nobody", "no vat named 'nobody' (swingset vats lists them)")]
    [InlineData("", "no vat named '' (swingset vats lists them)")]
    public async Task An_unknown_vat_is_refused_in_one_line(string vat, string why)
    {
        await Demo();
        var (code, stdout, stderr) = await SwingsetCli.Run("replay", "--db", Db, "--vat", vat);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal($"swingset replay: {Db}: {why}", stderr.Trim());
    }
}
