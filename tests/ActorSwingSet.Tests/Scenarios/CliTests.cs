using ActorSwingSet.Tests.Support;
using Xunit;

namespace ActorSwingSet.Tests.Scenarios;

/// <summary>The swingset command: the demo on its SQLite file twice (the second run continues), then an audit of it.</summary>
[Collection(ConsoleCapture.Name)]
public sealed class CliTests : ScratchDirectoryTest
{

    private static Task<(int Code, string Out, string Err)> Swingset(params string[] args) => SwingsetCli.Run(args);

    [Fact]
    public async Task The_demo_stores_its_kernel_a_second_run_continues_and_the_audit_reads_it()
    {
        var db = Path.Combine(Dir, "demo.db");
        var dump = Path.Combine(Dir, "dump.json");
        var first = await Swingset("demo", "--vats", "12", "--hops", "2", "--upgrades", "2", "--db", db, "--commit-every", "50");
        Assert.True(first.Code == 0, first.Out + first.Err);
        Assert.Contains("stored the kernel in", first.Out, StringComparison.Ordinal);
        var second = await Swingset("demo", "--vats", "12", "--hops", "2", "--upgrades", "2", "--db", db, "--dump", dump);
        Assert.True(second.Code == 0, second.Out + second.Err);
        Assert.Contains("continued the kernel stored in", second.Out, StringComparison.Ordinal);
        using (var json = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(dump)))
            Assert.Equal("2", json.RootElement.GetProperty("v1.incarnationNumber").GetString()); // upgraded once per run
        var audit = await Swingset("audit", "--db", db);
        Assert.True(audit.Code == 0, audit.Out + audit.Err);
        Assert.Contains("audit clean", audit.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_arguments_and_files_get_one_line_and_exit_code_2()
    {
        var notDb = Path.Combine(Dir, "notes.txt");
        await File.WriteAllTextAsync(notDb, "just some text, certainly not a database file of any kind at all");
        foreach (var (args, expected) in new[]
        {
            (new[] { "demo", "--vats", "1", "--in-memory" }, "--vats must be between 2 and 100,000"),
            (new[] { "audit", "--db", Path.Combine(Dir, "missing.db") }, "no such file"),
            (new[] { "audit", "--db", notDb }, "is not a SQLite database"),
        })
        {
            var r = await Swingset(args);
            Assert.Equal(2, r.Code);
            Assert.Contains(expected, Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        }
        Assert.Equal("just some text, certainly not a database file of any kind at all", await File.ReadAllTextAsync(notDb));
    }

    [Fact]
    public async Task The_swingstore_audit_reports_a_real_SwingSets_cleanup_zombies_and_exits_1()
    {
        var store = Path.Combine(Dir, "swingstore.sqlite");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "fixtures", "swingstore", "swingstore-u17-zombies.sqlite"), store);
        var audit = await Swingset("audit", "--swingstore", store);
        Assert.True(audit.Code == 1, audit.Out + audit.Err);
        Assert.Contains("3 cleanup-zombie", audit.Out, StringComparison.Ordinal);
        var clean = await Swingset("audit", "--swingstore", Path.Combine(AppContext.BaseDirectory, "fixtures", "swingstore", "swingstore-u17-clean.sqlite"));
        Assert.True(clean.Code == 0, clean.Out + clean.Err);
    }
}
