using ActorSwingSet.Remediation;
using ActorSwingSet.Tests.Support;
using Xunit;

namespace ActorSwingSet.Tests.Remediation;

/// <summary>
/// The scanner follows SwingSet's <c>upgradeSwingset</c> where our own fixtures never went: the stored version,
/// a missing promise state, and notifies already held in <c>upgradeEvents</c>.
/// </summary>
[Collection(ConsoleCapture.Name)]
public sealed class SwingStoreScannerFidelityTests : ScratchDirectoryTest
{
    /// <summary>A version-2 store with one #9039 pair: v1 holds settled kp40 and no notify is pending.</summary>
    private static Dictionary<string, string> DamagedStore() => new(StringComparer.Ordinal)
    {
        ["version"] = "2",
        ["vat.names"] = "[\"alice\"]",
        ["vat.name.alice"] = "v1",
        ["vat.dynamicIDs"] = "[]",
        ["vats.terminated"] = "[]",
        ["runQueue"] = "[5,5]",
        ["acceptanceQueue"] = "[2,2]",
        ["kp40.state"] = "rejected",
        ["kp40.refCount"] = "1",
        ["kp40.data.body"] = "#{\"#error\":\"vat upgraded\",\"name\":\"Error\"}",
        ["kp40.data.slots"] = "",
        ["v1.c.kp40"] = "R p+10",
        ["v1.c.p+10"] = "kp40",
    };

    [Fact]
    public void A_store_already_at_version_3_yields_nothing_as_SwingSets_upgrade_does_nothing()
    {
        var store = DamagedStore();
        var atTwo = SwingStoreScanner.Scan(SwingStoreFiles.Write(Path.Combine(Dir, "v2.sqlite"), store));
        Assert.Equal(("v1", "kp40", "p+10"), Assert.Single(atTwo.Damaged) is var d ? (d.VatId, d.Kpid, d.Vref) : default);
        Assert.True(atTwo.RemediationDue);

        foreach (var version in new[] { "3", "4", " 3 " })
        {
            store["version"] = version;
            var scan = SwingStoreScanner.Scan(SwingStoreFiles.Write(Path.Combine(Dir, $"v{version.Trim()}-{Guid.NewGuid():N}.sqlite"), store));
            Assert.Empty(scan.Damaged);
            Assert.False(scan.RemediationDue);
            Assert.Equal(version, scan.StoredVersion);
        }
    }

    [Fact]
    public async Task A_missing_promise_state_fails_as_SwingSets_upgrade_does()
    {
        var store = DamagedStore();
        store["v1.c.kp63"] = "R p-63";
        store["v1.c.p-63"] = "kp63";
        var path = SwingStoreFiles.Write(Path.Combine(Dir, "no-state.sqlite"), store);
        var before = await File.ReadAllBytesAsync(path);

        var e = Assert.Throws<ScanInputException>(() => SwingStoreScanner.Scan(path));
        Assert.Contains("kp63.state is missing", e.Message, StringComparison.Ordinal);
        store["kp63.state"] = ""; // an empty state fails SwingSet's check too
        Assert.Contains("kp63.state is missing", Assert.Throws<ScanInputException>(() => SwingStoreScanner.Scan(
            SwingStoreFiles.Write(Path.Combine(Dir, "empty-state.sqlite"), store))).Message, StringComparison.Ordinal);
        File.Delete(Path.Combine(Dir, "empty-state.sqlite"));

        var (code, _, err) = await SwingsetCli.Run("scan", "--swingstore", path);
        Assert.Equal(2, code);
        Assert.Contains("kp63.state is missing", Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(path));
        Assert.Single(Directory.GetFiles(Dir));
    }

    [Fact]
    public void Notifies_already_held_in_upgradeEvents_are_not_pending_notifies()
    {
        var store = DamagedStore();
        store["upgradeEvents"] = "[{\"type\":\"notify\",\"vatID\":\"v1\",\"kpid\":\"kp40\"}]";
        store["kp40.refCount"] = "2";
        var scan = SwingStoreScanner.Scan(SwingStoreFiles.Write(Path.Combine(Dir, "held.sqlite"), store));
        Assert.Equal("kp40", Assert.Single(scan.Damaged).Kpid); // SwingSet queues another notify for it

        // a notify in the run-queue window is pending; one outside it (already dequeued) is not
        store.Remove("upgradeEvents");
        store["runQueue"] = "[5,6]";
        store["runQueue.5"] = "{\"type\":\"notify\",\"vatID\":\"v1\",\"kpid\":\"kp40\"}";
        Assert.Empty(SwingStoreScanner.Scan(SwingStoreFiles.Write(Path.Combine(Dir, "queued.sqlite"), store)).Damaged);
        store["runQueue"] = "[6,6]";
        Assert.Single(SwingStoreScanner.Scan(SwingStoreFiles.Write(Path.Combine(Dir, "dequeued.sqlite"), store)).Damaged);
    }

    [Fact]
    public void Keys_SwingSets_upgrade_requires_are_required()
    {
        foreach (var (change, expected) in new (Action<Dictionary<string, string>>, string)[]
        {
            (s => s.Remove("vat.dynamicIDs"), "storage lacks required key vat.dynamicIDs"),
            (s => s.Remove("acceptanceQueue"), "storage lacks required key acceptanceQueue"),
            (s => s["runQueue"] = "[4,5]", "storage lacks required key runQueue.4"),
            (s => s["version"] = "1", "vats.terminated exists"),
            (s => s.Remove("version"), "'initialized'"),
        })
        {
            var store = DamagedStore();
            change(store);
            var path = SwingStoreFiles.Write(Path.Combine(Dir, Guid.NewGuid().ToString("N") + ".sqlite"), store);
            Assert.Contains(expected, Assert.Throws<ScanInputException>(() => SwingStoreScanner.Scan(path)).Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(null, 0)]
    [InlineData("", 0)]
    [InlineData("abc", 0)]
    [InlineData("2", 2)]
    [InlineData(" 3 ", 3)]
    [InlineData("0x3", 3)]
    [InlineData("3e0", 3)]
    [InlineData("2.5", 2.5)]
    public void The_stored_version_is_read_as_JavaScripts_Number_or_zero(string? stored, double expected) =>
        Assert.Equal(expected, SwingStoreScanner.JsNumberOrZero(stored));
}
