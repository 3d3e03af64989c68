using ActorSwingSet.Cli;
using ActorSwingSet.Remediation;
using ActorSwingSet.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit;
using static ActorSwingSet.Tests.Support.Probe;

namespace ActorSwingSet.Tests.Remediation;

/// <summary>The read-only scanner over swing-store files, and the <c>swingset scan</c> command's errors.</summary>
[Collection(ConsoleCapture.Name)]
public sealed class SwingStoreScanTests : ProbeKernelTest, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("swingset-scan-").FullName;

    public new void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        base.Dispose();
    }

    private string WriteSwingStore(IReadOnlyDictionary<string, string> kv, string name = "store.sqlite") =>
        SwingStoreFiles.Write(Path.Combine(_dir, name), kv);

    [Fact]
    public async Task A_scan_of_damaged_state_finds_exactly_what_remediation_repairs()
    {
        var c = await Start(legacyUpgradeLeak: true, "A", "B");
        var bRoot = (await c.GetVatInfoAsync("B")).Root;
        for (var i = 0; i < 3; i++)
        {
            var hung = await c.QueueToVatRootAsync("A", "hang");
            await c.ReleasePromiseAsync(hung);
        }
        await c.QueueToVatRootAsync("A", CallWith("makeAndSend", bRoot));
        await c.RunAsync();
        await c.UpgradeVatAsync("A", "probe-v2:A");
        Assert.True(await c.StepAsync()); // leave B's notify pending in the acceptance queue
        var path = WriteSwingStore(await c.DumpAsync());

        var scan = SwingStoreScanner.Scan(path);
        var remediation = await c.RemediateUpgradeLeaksAsync();
        Assert.Equal(
            remediation.Repaired.Select(r => (r.VatId, r.Kpid.ToString())).Order(),
            scan.Damaged.Select(d => (d.VatId, d.Kpid)).Order());
        Assert.Equal(4, scan.Damaged.Count);
        Assert.Equal(2, scan.VatsScanned);
        Assert.True(scan.Queries < 20, $"{scan.Queries} queries");
    }

    [Fact]
    public void On_a_real_SwingSet_store_the_scan_finds_exactly_what_SwingSets_own_v2_to_v3_upgrade_repairs()
    {
        var fixture = Path.Combine(AppContext.BaseDirectory, "fixtures", "swingstore");
        var copy = Path.Combine(_dir, "swingstore.sqlite"); // SQLite adds -wal/-shm files beside a WAL-mode store
        File.Copy(Path.Combine(fixture, "swingstore-v2-damaged.sqlite"), copy);
        using var expectedJson = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(fixture, "expected-repairs.json")));
        var expected = expectedJson.RootElement.EnumerateArray().Select(e => (e.GetProperty("vatID").GetString()!, e.GetProperty("kpid").GetString()!)).Order().ToList();

        var scan = SwingStoreScanner.Scan(copy);

        Assert.Equal(33, expected.Count);
        Assert.Equal(expected, scan.Damaged.Select(d => (d.VatId, d.Kpid)).Order().ToList());
        Assert.Equal("fulfilled", scan.Damaged.Single(d => d.Kpid == "kp44").State);
    }

    [Fact]
    public async Task Bad_files_get_a_one_line_error_and_exit_code_2()
    {
        var notSqlite = Path.Combine(_dir, "text.sqlite");
        await File.WriteAllTextAsync(notSqlite, "this is not a database, just some text that is long enough to have a header");
        var otherKind = Path.Combine(_dir, "other.sqlite");
        using (var db = new SqliteConnection($"Data Source={otherKind}"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "CREATE TABLE t (x)";
            cmd.ExecuteNonQuery();
        }
        SqliteConnection.ClearAllPools();
        foreach (var (file, expected) in new[] { (Path.Combine(_dir, "missing.sqlite"), "no such file"),
            (notSqlite, "is not a SQLite database"), (otherKind, "not a swing-store") })
        {
            var before = File.Exists(file) ? await File.ReadAllBytesAsync(file) : null;
            var err = new StringWriter();
            var old = Console.Error;
            Console.SetError(err);
            int code;
            try { code = await Program.Main(["scan", "--swingstore", file]); }
            finally { Console.SetError(old); }
            Assert.Equal(2, code);
            var line = Assert.Single(err.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains(expected, line, StringComparison.Ordinal);
            if (before is not null) Assert.Equal(before, await File.ReadAllBytesAsync(file)); // modified nothing
        }
    }
}
