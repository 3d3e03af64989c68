using Akka.Actor;
using Akka.Configuration;
using ActorSwingSet.Kernel.State;
using ActorSwingSet.Persistence;
using ActorSwingSet.Schema;
using ActorSwingSet.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit;
using static ActorSwingSet.Tests.Support.Probe;

namespace ActorSwingSet.Tests.Persistence;

/// <summary>
/// Host-held references belong to the host session that took them: a kernel that starts again from storage releases
/// those of every earlier session, and the audit reports a hold whose session has ended as orphaned.
/// </summary>
public sealed class HostRefsTests : ScratchDirectoryTest
{
    private readonly ProbeLog _log = new();

    private (ActorSystem System, SwingSetController Controller) Boot(string db)
    {
        var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(SqliteStorage.Config(db));
        var system = ActorSystem.Create("hostrefs" + Guid.NewGuid().ToString("N"), config);
        return (system, SwingSetController.Start(system, Config(_log, "A", "B")));
    }

    private static Dictionary<string, Dictionary<string, long>> HostRefs(IReadOnlyDictionary<string, string> dump)
    {
        var byOwner = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        if (!dump.TryGetValue("kernel.hostRefs", out var json)) return byOwner;
        foreach (var (owner, kref, n) in HostRefsJson.Read(json))
        {
            var key = owner.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!byOwner.TryGetValue(key, out var held)) byOwner[key] = held = new(StringComparer.Ordinal);
            held[kref] = n;
        }
        return byOwner;
    }

    [Fact]
    public async Task A_kernel_that_starts_again_releases_what_the_previous_host_session_held()
    {
        var db = Path.Combine(Dir, "held.db");
        var (system, c) = Boot(db);
        await c.RunAsync();
        var echo = await c.QueueToVatRootAsync("A", "echo", "only the host holds me");
        var hang = await c.QueueToVatRootAsync("A", "hang");           // A decides it and keeps it
        var exported = await c.QueueToVatRootAsync("B", "exportObject"); // its data names an object of B
        await c.RunAsync();
        var exportedObject = (await c.GetPromiseAsync(exported)).Data!.Slots[0];
        Assert.Equal(2, (await c.GetPromiseAsync(hang)).RefCount);
        var held = HostRefs(await c.DumpAsync());
        Assert.Equal("0", Assert.Single(held.Keys));                  // a new kernel's session is 0
        Assert.Equal(new[] { echo, hang, exported }.Select(k => k.ToString()).Order(StringComparer.Ordinal), held["0"].Keys.Order(StringComparer.Ordinal));
        await c.StopAsync(); // commits block 1 and stops, releasing nothing
        await system.Terminate();
        SqliteConnection.ClearAllPools();

        var (again, c2) = Boot(db);
        var recovered = await c2.DumpAsync();
        Assert.False(recovered.ContainsKey("kernel.hostRefs"));
        Assert.Empty(KeysFor(recovered, echo));                       // only the host held them: collected
        Assert.Empty(KeysFor(recovered, exported));
        Assert.Equal(1, (await c2.GetPromiseAsync(hang)).RefCount);    // A still holds this one
        Assert.Contains($"v2 dropExport {exportedObject}", recovered["gcActions"], StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => c2.GetPromiseAsync(echo));
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => c2.ReleasePromiseAsync(hang));
        Assert.Contains("holds no reference", refused.Message, StringComparison.Ordinal);
        await AssertAuditClean(c2);
        await again.Terminate(); // a crash before the release was committed
        SqliteConnection.ClearAllPools();

        // the release is redone from the same committed state, identically, and committed with the first block
        var (third, c3) = Boot(db);
        Assert.Empty(KernelStateDump.Diff(recovered, await c3.DumpAsync()));
        await c3.RunAsync();                                           // B is told its export was dropped
        Assert.False((await c3.DumpAsync()).ContainsKey($"{exportedObject}.owner"));
        var mine = await c3.QueueToVatRootAsync("A", "echo", "mine");
        await c3.RunAsync();
        Assert.Equal("1", Assert.Single(HostRefs(await c3.DumpAsync()).Keys)); // this session started from block 1
        await c3.ReleasePromiseAsync(mine);                            // a hold of this session is released as before
        Assert.Empty(KeysFor(await c3.DumpAsync(), mine));
        var kept = await c3.QueueToVatRootAsync("A", "echo", "kept");
        await c3.RunAsync();
        Assert.Equal(2, await c3.CommitAsync());
        await AssertAuditClean(c3);
        await third.Terminate();
        SqliteConnection.ClearAllPools();

        var (fourth, c4) = Boot(db);
        var last = await c4.DumpAsync();
        Assert.False(last.ContainsKey("kernel.hostRefs"));
        Assert.Empty(KeysFor(last, kept));
        await AssertAuditClean(c4);
        await fourth.Terminate();
    }

    [Fact]
    public async Task Stored_state_with_the_older_flat_host_references_loads_and_they_are_released()
    {
        var db = Path.Combine(Dir, "flat.db");
        var (system, c) = Boot(db);
        await c.RunAsync();
        var echo = await c.QueueToVatRootAsync("A", "echo", 1);
        var hang = await c.QueueToVatRootAsync("A", "hang");
        await c.RunAsync();
        Assert.Equal(1, await c.CommitAsync());

        // rewrite block 1 as a kernel before host sessions wrote it: kernel.hostRefs = {kref: count}
        var serializer = new StoredStateSerializer((ExtendedActorSystem)system);
        await system.Terminate();
        SqliteConnection.ClearAllPools();
        using (var conn = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            conn.Open();
            using var read = conn.CreateCommand();
            read.CommandText = "SELECT message FROM journal WHERE sequence_number = 1";
            var block = (BlockCommitted)serializer.FromBinary((byte[])read.ExecuteScalar()!, StoredStateSerializer.BlockManifest);
            var flat = $"{{\"{echo}\":1,\"{hang}\":1}}";
            var writes = block.Writes.Select(w => w.Key == "kernel.hostRefs" ? KvWrite.Set(w.Key, flat) : w).ToList();
            Assert.Contains(writes, w => w.Value == flat);
            using var write = conn.CreateCommand();
            write.CommandText = "UPDATE journal SET message = $m WHERE sequence_number = 1";
            write.Parameters.AddWithValue("$m", serializer.ToBinary(block with { Writes = writes }));
            Assert.Equal(1, write.ExecuteNonQuery());
        }
        SqliteConnection.ClearAllPools();

        var (again, c2) = Boot(db);
        var recovered = await c2.DumpAsync();
        Assert.Equal("3", recovered["version"]);
        Assert.False(recovered.ContainsKey("kernel.hostRefs"));
        Assert.Empty(KeysFor(recovered, echo));
        Assert.Equal(1, (await c2.GetPromiseAsync(hang)).RefCount);
        await AssertAuditClean(c2);
        await again.Terminate();
    }

    [Fact]
    public async Task The_audit_counts_holds_per_session_and_reports_those_of_an_ended_session_as_orphaned()
    {
        using var system = ActorSystem.Create("audit-hostrefs", "akka.loglevel = WARNING");
        var c = SwingSetController.Start(system, Config(_log, "A"));
        await c.RunAsync();
        var first = await c.QueueToVatRootAsync("A", "echo", 1);
        var second = await c.QueueToVatRootAsync("A", "echo", 2);
        await c.RunAsync();
        var dump = new Dictionary<string, string>(await c.DumpAsync(), StringComparer.Ordinal);
        Assert.Equal($"{{\"0\":{{\"{first}\":1,\"{second}\":1}}}}", dump["kernel.hostRefs"]);
        Assert.True(KernelAudit.Run(dump).IsClean);
        Assert.True(KernelAudit.Run(dump, hostSession: 0).IsClean);

        // the running kernel is in session 7: the holds of session 0 have no host left to release them
        var orphaned = KernelAudit.Run(dump, hostSession: 7);
        Assert.Equal(2, orphaned.Violations.Count);
        Assert.Contains($"host: {first} is held 1 time(s) by host session 0, which has ended", orphaned.Violations[0], StringComparison.Ordinal);

        // from the dump alone: of two sessions, only the newest can still hold anything
        dump["kernel.hostRefs"] = $"{{\"0\":{{\"{first}\":1}},\"4\":{{\"{second}\":1}}}}";
        var report = KernelAudit.Run(dump);
        Assert.False(report.IsClean);
        Assert.Contains($"host: {first} is held 1 time(s) by host session 0, which has ended (the kernel is in session 4)",
            Assert.Single(report.Violations), StringComparison.Ordinal);

        // the older flat shape is one earlier session's holds, counted like the rest
        dump["kernel.hostRefs"] = $"{{\"{first}\":1,\"{second}\":1}}";
        Assert.True(KernelAudit.Run(dump).IsClean);
        dump["kernel.hostRefs"] = $"{{\"{first}\":2,\"{second}\":1}}";
        Assert.Contains($"I1: {first}.refCount is 1, recount finds 2", Assert.Single(KernelAudit.Run(dump).Violations), StringComparison.Ordinal);
        await system.Terminate();
    }

    [Fact]
    public async Task A_durable_hold_is_explicit_named_and_released_only_by_the_host()
    {
        using var system = ActorSystem.Create("durable-holds", "akka.loglevel = WARNING");
        var c = SwingSetController.Start(system, Config(_log, "A"));
        await c.RunAsync();
        var echo = await c.QueueToVatRootAsync("A", "echo", "durable");
        await c.RunAsync();
        await c.HoldDurablyAsync("answer", echo);
        await c.ReleasePromiseAsync(echo);
        Assert.Equal(1, (await c.GetPromiseAsync(echo)).RefCount);
        Assert.Equal(echo, (await c.GetDurableHoldsAsync())["answer"]);
        Assert.Equal($"{{\"answer\":\"{echo}\"}}", (await c.DumpAsync())["kernel.durableHolds"]);
        await AssertAuditClean(c);

        Assert.Contains("is taken", (await Assert.ThrowsAsync<ArgumentException>(() => c.HoldDurablyAsync("answer", echo))).Message, StringComparison.Ordinal);
        Assert.Contains("needs a name", (await Assert.ThrowsAsync<ArgumentException>(() => c.HoldDurablyAsync(" ", echo))).Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", (await Assert.ThrowsAsync<ArgumentException>(() => c.HoldDurablyAsync("x", Kref.Promise(9999)))).Message, StringComparison.Ordinal);
        Assert.Contains("no durable hold named", (await Assert.ThrowsAsync<ArgumentException>(() => c.ReleaseDurableHoldAsync("x"))).Message, StringComparison.Ordinal);
        Assert.Equal(1, (await c.GetPromiseAsync(echo)).RefCount); // nothing changed by the refusals

        await c.ReleaseDurableHoldAsync("answer");
        var dump = await c.DumpAsync();
        Assert.Empty(KeysFor(dump, echo));
        Assert.False(dump.ContainsKey("kernel.durableHolds"));
        Assert.Empty(await c.GetDurableHoldsAsync());
        await AssertAuditClean(c);
        await system.Terminate();
    }
}
