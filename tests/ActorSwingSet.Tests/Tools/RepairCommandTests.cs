using Akka.Actor;
using Akka.Configuration;
using ActorSwingSet.Persistence;
using ActorSwingSet.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit;
using static ActorSwingSet.Tests.Support.Probe;

namespace ActorSwingSet.Tests.Tools;

/// <summary>
/// <c>swingset repair</c>: verdicts only after the commit; a commit that fails changes nothing and says so in one
/// line; state of schema version 2 is sent to upgrade-state; refused claims are a summary and exit code 1; a clean
/// scan is nothing to repair.
/// </summary>
[Collection(ConsoleCapture.Name)]
public sealed class RepairCommandTests : ScratchDirectoryTest
{
    private readonly ProbeLog _log = new();

    private (ActorSystem System, SwingSetController Controller) Boot(string db, bool legacyUpgradeLeak = false)
    {
        var config = ConfigurationFactory.ParseString("akka.loglevel = OFF").WithFallback(SqliteStorage.Config(db));
        var system = ActorSystem.Create("repair" + Guid.NewGuid().ToString("N"), config);
        return (system, SwingSetController.Start(system, Config(_log, "A", "B") with { ReproduceUpgradeLeakBug9039 = legacyUpgradeLeak }));
    }

    /// <summary>A stored kernel where vat B holds a settled promise of A's without a notify (the #9039 damage); returns the file and that kpid.</summary>
    private async Task<(string Db, string Kpid)> DamagedKernel()
    {
        var db = Path.Combine(Dir, "damaged.db");
        var (system, c) = Boot(db);
        await c.RunAsync();
        var bRoot = (await c.GetVatInfoAsync("B")).Root;
        await c.QueueToVatRootAsync("A", CallWith("makeAndSendQuietly", bRoot)); // B holds A's promise, never subscribes
        await c.RunAsync();
        await c.QueueToVatRootAsync("A", "settleMade", false);
        await c.RunAsync();
        await c.CommitAsync();
        var kp = CList(await c.DumpAsync(), "v2", "p-60")!;
        await system.Terminate();
        SqliteConnection.ClearAllPools();
        return (db, kp);
    }

    private static void Sql(string db, string statement)
    {
        using var conn = new SqliteConnection($"Data Source={db};Pooling=False");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = statement;
        cmd.ExecuteNonQuery();
    }

    private static long JournalRows(string db)
    {
        using var conn = new SqliteConnection(ReadOnlySqlite.ConnectionString(db));
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM journal";
        return (long)cmd.ExecuteScalar()!;
    }

    [Fact]
    public async Task A_commit_that_fails_prints_no_verdict_changes_nothing_and_exits_2()
    {
        var (db, kp) = await DamagedKernel();
        // the write fails as it would with a database another process keeps locked, but at once
        Sql(db, "CREATE TRIGGER refuse BEFORE INSERT ON journal BEGIN SELECT RAISE(ABORT, 'the database is busy elsewhere'); END;");
        var rows = JournalRows(db);

        var (code, stdout, stderr) = await SwingsetCli.Run("repair", "--db", db, "--claim", $"v2:{kp}");
        Assert.True(code == 2, stdout + stderr);
        Assert.Equal("", stdout);                                          // no "repaired" before the commit
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("swingset repair: the repairs could not be committed", line, StringComparison.Ordinal);
        Assert.EndsWith("nothing was changed", line, StringComparison.Ordinal);
        Assert.Equal(rows, JournalRows(db));
        Assert.False(File.Exists(db + "-wal"));

        // without the obstacle the same claim is repaired, and only then reported
        Sql(db, "DROP TRIGGER refuse");
        var again = await SwingsetCli.Run("repair", "--db", db, "--claim", $"v2:{kp}");
        Assert.True(again.Code == 0, again.Out + again.Err);
        Assert.Contains($"v2 {kp}: repaired (a notify is queued)", again.Out, StringComparison.Ordinal);
        Assert.Contains($"1 repaired, 0 refused; committed as block 2", again.Out, StringComparison.Ordinal);
        Assert.Equal(rows + 1, JournalRows(db));
    }

    [Fact]
    public async Task A_claim_given_twice_is_repaired_once_and_the_kernel_audits_clean()
    {
        var (db, kp) = await DamagedKernel();
        var (code, stdout, stderr) = await SwingsetCli.Run("repair", "--db", db, "--claim", $"v2:{kp}", "--claim", $"v2:{kp}");
        Assert.True(code == 1, stdout + stderr); // 1: a claim was refused (the duplicate)
        Assert.Contains($"v2 {kp}: repaired (a notify is queued)", stdout, StringComparison.Ordinal);
        Assert.Contains($"v2 {kp}: refused: a notify of {kp} to v2 is already pending", stdout, StringComparison.Ordinal);
        Assert.Contains("1 repaired, 1 refused; committed as block 2", stdout, StringComparison.Ordinal);
        var audit = await SwingsetCli.Run("audit", "--db", db);
        Assert.True(audit.Code == 0, audit.Out + audit.Err);
    }

    [Fact]
    public async Task Claims_that_are_all_refused_are_listed_with_a_summary_and_exit_1()
    {
        var (db, _) = await DamagedKernel();
        var rows = JournalRows(db);
        var (code, stdout, stderr) = await SwingsetCli.Run("repair", "--db", db, "--claim", "v1:kp999", "--claim", "v2:kp1");
        Assert.True(code == 1, stdout + stderr);
        Assert.Equal("", stderr);
        Assert.Contains("v1 kp999: refused: kp999 does not exist", stdout, StringComparison.Ordinal);
        Assert.Contains("v2 kp1: refused:", stdout, StringComparison.Ordinal);
        Assert.EndsWith("none of the 2 claim(s) is damaged: nothing was repaired\n", stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal(rows, JournalRows(db));
    }

    [Fact]
    public async Task A_clean_scan_given_as_claims_is_nothing_to_repair()
    {
        var (db, kp) = await DamagedKernel();
        Assert.Equal(0, (await SwingsetCli.Run("repair", "--db", db, "--claim", $"v2:{kp}")).Code);
        var scan = await SwingsetCli.Run("scan", "--db", db, "--json");
        Assert.True(scan.Code == 0, scan.Err);                          // repaired: nothing damaged left
        var claims = Path.Combine(Dir, "clean.json");
        await File.WriteAllTextAsync(claims, scan.Out);
        var rows = JournalRows(db);

        var (code, stdout, stderr) = await SwingsetCli.Run("repair", "--db", db, "--claims", claims);
        Assert.True(code == 0, stdout + stderr);
        Assert.Equal("", stderr);
        Assert.Contains("claims no damaged promise: nothing to repair", stdout, StringComparison.Ordinal);
        Assert.Equal(rows, JournalRows(db));
    }

    [Fact]
    public async Task State_of_schema_version_2_is_sent_to_upgrade_state_in_one_line()
    {
        var db = Path.Combine(Dir, "leaky.db");
        var (system, c) = Boot(db, legacyUpgradeLeak: true);
        await c.RunAsync();
        await c.UpgradeVatAsync("A", "probe-v2:A");
        await c.RunAsync();
        await c.CommitAsync();
        await system.Terminate();
        SqliteConnection.ClearAllPools();
        var before = await File.ReadAllBytesAsync(db);

        var (code, stdout, stderr) = await SwingsetCli.Run("repair", "--db", db, "--claim", "v1:kp1");
        Assert.True(code == 2, stdout + stderr);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("schema version 2", line, StringComparison.Ordinal);
        Assert.Contains("swingset upgrade-state --db", line, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(db));
    }
}
