using System.Text.Json;
using ActorSwingSet.Audit;
using ActorSwingSet.Remediation;
using ActorSwingSet.Tests.Support;
using Xunit;

namespace ActorSwingSet.Tests.Remediation;

/// <summary>
/// <c>swingset audit --swingstore</c>: the recount of a SwingSet swing-store, on stores written by the pre-fix
/// SwingSet kernel (tests/fixtures/swingstore/README.md tells what the scenario did) and on small hand-built ones.
/// </summary>
[Collection(ConsoleCapture.Name)]
public sealed class SwingStoreAuditTests : ScratchDirectoryTest
{
    private static SwingStoreAuditReport Audit(string fixture) => SwingStoreAudit.Run(SwingStoreFiles.Fixture(fixture));

    private static List<(string Kref, string Classification, string Stored, string Found)> Summary(SwingStoreAuditReport r) =>
        [.. r.Findings.Select(f => (f.Kref, f.Classification, f.Stored, f.Found))];

    [Fact]
    public void A_real_store_with_exact_counts_is_clean()
    {
        var report = Audit("swingstore-u17-clean.sqlite");
        Assert.True(report.IsClean, string.Join("\n", report.Findings));
        Assert.Equal(5, report.Promises);
        Assert.Contains("v7", report.LiveVats);
    }

    [Fact]
    public void After_the_pre_fix_slow_deletion_the_terminated_vats_promises_are_cleanup_zombies()
    {
        var report = Audit("swingstore-u17-zombies.sqlite");
        Assert.Equal(
        [
            ("kp45", SwingStoreAudit.PossibleExternalHold, "1", "0"),
            ("kp47", SwingStoreAudit.CleanupZombie, "1", "0"),
            ("kp48", SwingStoreAudit.CleanupZombie, "1", "0"),
            ("kp49", SwingStoreAudit.CleanupZombie, "1", "0"),
            ("kp52", SwingStoreAudit.TerminatedVatOverCount, "2", "1"),
        ], Summary(report));
        var zombie = report.Findings[1];
        Assert.Empty(zombie.Holders);
        Assert.Contains(zombie.Evidence, e => e.Contains("'vat terminated'", StringComparison.Ordinal));
        var stale = report.Findings[4];
        Assert.Equal(new SwingStoreHolder("c-list", "v6.c.kp52", "v6 exports it as p+5"), Assert.Single(stale.Holders));
        Assert.Contains(stale.Evidence, e => e.Contains("subscriber v7 is no longer a vat", StringComparison.Ordinal));
        Assert.Empty(report.TerminatedVats);
    }

    [Fact]
    public void With_the_notifies_still_queued_each_zombie_to_be_shows_its_holders()
    {
        var report = Audit("swingstore-u17-zombies-notify-pending.sqlite");
        Assert.Equal(
        [
            ("kp45", SwingStoreAudit.PossibleExternalHold, "1", "0"),
            ("kp47", SwingStoreAudit.TerminatedVatOverCount, "3", "2"),
            ("kp48", SwingStoreAudit.TerminatedVatOverCount, "3", "2"),
            ("kp49", SwingStoreAudit.TerminatedVatOverCount, "3", "2"),
            ("kp52", SwingStoreAudit.TerminatedVatOverCount, "2", "1"),
            ("kp54", SwingStoreAudit.PossibleExternalHold, "2", "1"),
        ], Summary(report));
        Assert.Equal(
            [new SwingStoreHolder("run-queue", "runQueue.27", "notify to v6"), new SwingStoreHolder("c-list", "v6.c.kp47", "v6 imports it as p-60")],
            report.Findings[1].Holders);
        Assert.Equal(new SwingStoreHolder("c-list", "v1.c.kp54", "v1 imports it as p-62"), Assert.Single(report.Findings[5].Holders));
    }

    [Fact]
    public void A_terminated_vat_awaiting_slow_deletion_holds_its_counts_legitimately()
    {
        var report = Audit("swingstore-u17-deletion-pending.sqlite");
        Assert.Equal([("kp45", SwingStoreAudit.PossibleExternalHold, "1", "0")], Summary(report));
        Assert.Equal(["v7"], report.TerminatedVats);
        Assert.DoesNotContain("v7", report.LiveVats);
        Assert.Equal(5, report.TerminatedVatCListEntries); // kp47-kp49, kp52 and one imported object
        Assert.Equal(2, report.DeviceCListEntries);
    }

    [Fact]
    public void On_the_9039_fixture_it_finds_only_the_doctored_extra_reference()
    {
        // a WAL-mode store: SQLite puts -wal/-shm files beside it, so audit a copy
        var report = SwingStoreAudit.Run(SwingStoreFiles.CopyFixture("swingstore-v2-damaged.sqlite", Dir));
        var f = Assert.Single(report.Findings);
        Assert.Equal(("kp43", SwingStoreAudit.OverCount, "2", "1"), (f.Kref, f.Classification, f.Stored, f.Found));
        Assert.Equal(36, report.Promises);
    }

    /// <summary>Every kind of holder SwingSet counts, on a hand-built store in SwingSet's schema.</summary>
    private static Dictionary<string, string> EveryHolder() => new(StringComparer.Ordinal)
    {
        ["version"] = "3",
        ["vat.name.a"] = "v1",
        ["vat.name.b"] = "v2",
        ["vat.dynamicIDs"] = "[\"v9\"]",
        ["vats.terminated"] = "[\"v9\"]",
        ["runQueue"] = "[1,2]",
        ["runQueue.0"] = "{\"type\":\"notify\",\"vatID\":\"v1\",\"kpid\":\"kp41\"}", // dequeued: not counted
        ["runQueue.1"] = "{\"type\":\"send\",\"target\":\"ko20\",\"msg\":{\"methargs\":{\"body\":\"#[]\",\"slots\":[\"ko21\",\"kp41\"]},\"result\":\"kp42\"}}",
        ["acceptanceQueue"] = "[0,1]",
        ["acceptanceQueue.0"] = "{\"type\":\"create-vat\",\"vatID\":\"v3\",\"vatParameters\":{\"body\":\"#[]\",\"slots\":[\"ko21\"]}}",
        ["upgradeEvents"] = "[{\"type\":\"notify\",\"vatID\":\"v2\",\"kpid\":\"kp40\"}]",
        ["pinnedObjects"] = "ko20",
        // ko20: exported by v1, imported by v2 (reachable) and by device d7
        ["ko20.owner"] = "v1",
        ["ko20.refCount"] = "4,4", // v2 import, d7 import, pinned, send target
        ["v1.c.ko20"] = "R o+0",
        ["v1.c.o+0"] = "ko20",
        ["v2.c.ko20"] = "R o-50",
        ["v2.c.o-50"] = "ko20",
        ["d7.c.ko20"] = "o-10",
        ["d7.c.o-10"] = "ko20",
        ["d7.c.kd30"] = "d+0", // device nodes are not counted
        ["d7.c.d+0"] = "kd30",
        ["kd30.owner"] = "d7",
        // ko21: owned by v2, recognized only by v1, and named by messages, data and vatParameters
        ["ko21.owner"] = "v2",
        ["ko21.refCount"] = "5,6", // send slot, create-vat slot, kp40 data, kp43 queue slot, v1.vatParameters; v1 '_' import
        ["v2.c.ko21"] = "R o+1",
        ["v2.c.o+1"] = "ko21",
        ["v1.c.ko21"] = "_ o-51",
        ["v1.c.o-51"] = "ko21",
        ["v1.vatParameters"] = "{\"body\":\"#[]\",\"slots\":[\"ko21\"]}",
        // kp40: settled, data names ko21; held by the upgradeEvents notify and v2's c-list
        ["kp40.state"] = "fulfilled",
        ["kp40.refCount"] = "2",
        ["kp40.data.body"] = "#[]",
        ["kp40.data.slots"] = "ko21",
        ["v2.c.kp40"] = "R p-60",
        ["v2.c.p-60"] = "kp40",
        // kp41: decided by v1, in the send's slots and v9's (terminated) c-list
        ["kp41.state"] = "unresolved",
        ["kp41.decider"] = "v1",
        ["kp41.subscribers"] = "v9",
        ["kp41.refCount"] = "3",
        ["v1.c.kp41"] = "R p+5",
        ["v1.c.p+5"] = "kp41",
        ["v9.c.kp41"] = "R p-70",
        ["v9.c.p-70"] = "kp41",
        // kp42: the send's result; kp43: a promise with a message queued on it whose result is kp44
        ["kp42.state"] = "unresolved",
        ["kp42.decider"] = "",
        ["kp42.subscribers"] = "",
        ["kp42.refCount"] = "1",
        ["kp43.state"] = "unresolved",
        ["kp43.decider"] = "v2",
        ["kp43.subscribers"] = "",
        ["kp43.refCount"] = "2",
        ["v2.c.kp43"] = "R p+7",
        ["v2.c.p+7"] = "kp43",
        ["kp43.queue.nextID"] = "1",
        ["kp43.queue.0"] = "{\"methargs\":{\"body\":\"#[]\",\"slots\":[\"ko21\"]},\"result\":\"kp44\"}",
        ["kp44.state"] = "unresolved",
        ["kp44.decider"] = "",
        ["kp44.subscribers"] = "",
        ["kp44.refCount"] = "1",
    };

    [Fact]
    public void Every_kind_of_holder_is_counted_by_SwingSets_rules()
    {
        var store = EveryHolder();
        var report = SwingStoreAudit.Run(SwingStoreFiles.Write(Path.Combine(Dir, "every.sqlite"), store));
        Assert.True(report.IsClean, string.Join("\n", report.Findings.Select(f => $"{f.Kref} {f.Stored} {f.Found}")));
        Assert.Equal(1, report.TerminatedVatCListEntries);
        Assert.Equal(2, report.DeviceCListEntries);

        store["ko21.refCount"] = "6,6";
        store["kp42.refCount"] = "0";
        store["kp43.refCount"] = "3";
        var damaged = SwingStoreAudit.Run(SwingStoreFiles.Write(Path.Combine(Dir, "damaged.sqlite"), store));
        Assert.Equal(
        [
            ("kp42", SwingStoreAudit.UnderCount, "0", "1"),
            ("kp43", SwingStoreAudit.OverCount, "3", "2"), // v2 made it (p+7): not a host's result
            ("ko21", SwingStoreAudit.OverCount, "6,6", "5,6"),
        ], Summary(damaged));
        Assert.Equal(
            [new SwingStoreHolder("promise-queue", "kp43.queue.0", "message queued on kp43 (its target)"), new SwingStoreHolder("c-list", "v2.c.kp43", "v2 exports it as p+7")],
            damaged.Findings[1].Holders);
        Assert.Contains(new SwingStoreHolder("c-list", "v1.c.ko21", "v1 imports it as o-51 (recognizable only)"), damaged.Findings[2].Holders);
    }

    [Fact]
    public void A_terminated_deciders_promise_that_nothing_holds_is_a_zombie_even_unresolved()
    {
        var store = EveryHolder();
        store["kp45.state"] = "unresolved";
        store["kp45.decider"] = "v5"; // not a vat any more
        store["kp45.subscribers"] = "";
        store["kp45.refCount"] = "1";
        var report = SwingStoreAudit.Run(SwingStoreFiles.Write(Path.Combine(Dir, "gone.sqlite"), store));
        var f = Assert.Single(report.Findings);
        Assert.Equal(("kp45", SwingStoreAudit.CleanupZombie, "1", "0"), (f.Kref, f.Classification, f.Stored, f.Found));
        Assert.Contains("decider v5 is no longer a vat of this kernel (terminated and deleted)", f.Evidence);
    }

    [Fact]
    public async Task The_command_prints_each_finding_with_its_evidence_and_exits_1()
    {
        var path = SwingStoreFiles.CopyFixture("swingstore-u17-zombies.sqlite", Dir);
        var before = await File.ReadAllBytesAsync(path);

        var (code, output, err) = await SwingsetCli.Run("audit", "--swingstore", path);
        Assert.True(code == 1, output + err);
        Assert.Contains("kp47 (cleanup-zombie): stored 1, found 0", output, StringComparison.Ordinal);
        Assert.Contains("holder: c-list v6.c.kp52: v6 exports it as p+5", output, StringComparison.Ordinal);
        Assert.Contains("5 refcount discrepancies (1 possible-external-hold, 3 cleanup-zombie, 1 terminated-vat-over-count)", output, StringComparison.Ordinal);

        var (jsonCode, json, _) = await SwingsetCli.Run("audit", "--swingstore", path, "--json");
        Assert.Equal(1, jsonCode);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.False(root.GetProperty("clean").GetBoolean());
        Assert.Equal("2", root.GetProperty("version").GetString());
        var kp52 = root.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("kref").GetString() == "kp52");
        Assert.Equal("terminated-vat-over-count", kp52.GetProperty("classification").GetString());
        Assert.Equal("2", kp52.GetProperty("stored").GetString());
        Assert.Equal("1", kp52.GetProperty("found").GetString());
        Assert.Equal("v6", kp52.GetProperty("decider").GetString());
        var holder = Assert.Single(kp52.GetProperty("holders").EnumerateArray().ToList());
        Assert.Equal(("c-list", "v6.c.kp52"), (holder.GetProperty("kind").GetString(), holder.GetProperty("key").GetString()));

        var clean = await SwingsetCli.Run("audit", "--swingstore", SwingStoreFiles.CopyFixture("swingstore-u17-clean.sqlite", Dir));
        Assert.True(clean.Code == 0, clean.Out + clean.Err);
        Assert.Contains("swing-store audit clean", clean.Out, StringComparison.Ordinal);

        Assert.Equal(before, await File.ReadAllBytesAsync(path));
        Assert.Equal(2, Directory.GetFiles(Dir).Length); // nothing created beside them
    }

    [Fact]
    public async Task Bad_input_gets_one_line_exit_code_2_and_leaves_the_file_as_it_was()
    {
        var notSqlite = Path.Combine(Dir, "text.sqlite");
        await File.WriteAllTextAsync(notSqlite, "this is not a database, just some text that is long enough to have a header");
        var empty = Path.Combine(Dir, "empty.sqlite");
        await File.WriteAllBytesAsync(empty, []);
        var foreign = SwingStoreFiles.Write(Path.Combine(Dir, "foreign.sqlite"), []);
        using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={foreign}"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "ALTER TABLE kvStore RENAME TO other";
            cmd.ExecuteNonQuery();
        }
        var badJson = EveryHolder();
        badJson["runQueue.1"] = "{not json";
        var garbled = SwingStoreFiles.Write(Path.Combine(Dir, "garbled.sqlite"), badJson);
        var truncated = Path.Combine(Dir, "truncated.sqlite");
        var whole = await File.ReadAllBytesAsync(SwingStoreFiles.Fixture("swingstore-u17-zombies.sqlite"));
        await File.WriteAllBytesAsync(truncated, whole[..(whole.Length / 2)]);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var files = Directory.GetFiles(Dir).Order().ToList();
        var contents = files.ToDictionary(f => f, File.ReadAllBytes);

        foreach (var (args, expected) in new[]
        {
            (new[] { "audit", "--swingstore", Path.Combine(Dir, "missing.sqlite") }, "no such file"),
            (new[] { "audit", "--swingstore", Dir }, "is a directory"),
            (new[] { "audit", "--swingstore", empty }, "not a swing-store"),
            (new[] { "audit", "--swingstore", notSqlite }, "is not a SQLite database"),
            (new[] { "audit", "--swingstore", foreign }, "not a swing-store"),
            (new[] { "audit", "--swingstore", garbled }, "runQueue.1 is not valid JSON"),
            (new[] { "audit", "--swingstore", truncated }, "truncated.sqlite"),
            (new[] { "audit", "--swingstore", garbled, "--db", garbled }, "exactly one of"),
            (new[] { "audit" }, "exactly one of"),
        })
        {
            var (code, output, err) = await SwingsetCli.Run(args);
            Assert.True(code == 2, string.Join(' ', args) + ": " + output + err);
            var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains(expected, line, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        }
        Assert.Equal(files, Directory.GetFiles(Dir).Order().ToList());
        foreach (var (file, bytes) in contents) Assert.Equal(bytes, await File.ReadAllBytesAsync(file));
    }

    [Fact]
    public void The_library_refuses_what_it_cannot_read_with_one_exception_type()
    {
        var store = EveryHolder();
        store["v1.c.kp41"] = "p+5"; // no reachability flag
        var path = SwingStoreFiles.Write(Path.Combine(Dir, "flagless.sqlite"), store);
        Assert.Contains("v1.c.kp41 = 'p+5'", Assert.Throws<ScanInputException>(() => SwingStoreAudit.Run(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gc_action_that_is_not_one_is_refused_naming_it()
    {
        var store = EveryHolder();
        store["gcActions"] = "[\"v2 retireImport\"]";
        var path = SwingStoreFiles.Write(Path.Combine(Dir, "bad-gc.sqlite"), store);
        Assert.Equal("gcActions holds 'v2 retireImport', which is not 'vN dropExport|retireExport|retireImport koN'",
            Assert.Throws<ScanInputException>(() => SwingStoreAudit.Run(path)).Message);
    }
}
