using ActorSwingSet.Tests.Pure;
using ActorSwingSet.Tests.Support;
using ActorSwingSet.Vats;
using Xunit;
using static ActorSwingSet.Tests.Support.Probe;

namespace ActorSwingSet.Tests.Scenarios;

/// <summary>Reference counting end to end: GC syscalls, the gc-action deliveries, orphans, and promise retirement.</summary>
public sealed class GarbageCollectionTests : ProbeKernelTest
{
    private async Task<(SwingSetController C, Kref Ko)> ExportFromAToB()
    {
        var c = await Start("A", "B");
        var exported = await c.QueueToVatRootAsync("A", "exportObject");
        await c.RunAsync();
        var ko = (await c.GetPromiseAsync(exported)).Data!.Slots[0];
        await c.QueueToVatRootAsync("B", CallWith("keep", ko));
        await c.RunAsync();
        await c.ReleasePromiseAsync(exported); // now only B's import keeps ko
        await c.RunAsync();
        var dump = await c.DumpAsync();
        Assert.Equal("1,1", dump[$"{ko}.refCount"]);
        return (c, ko);
    }

    [Fact]
    public async Task Dropping_then_retiring_an_import_sends_dropExports_then_retireExports_and_deletes_the_object()
    {
        var (c, ko) = await ExportFromAToB();
        await c.QueueToVatRootAsync("B", "dropKept");
        await c.RunAsync();
        var dump = await c.DumpAsync();
        Assert.Equal("0,1", dump[$"{ko}.refCount"]);
        Assert.StartsWith("_ ", dump[$"v1.c.{ko}"], StringComparison.Ordinal); // the owner was told: dropExports
        Assert.Single(Deliveries.Entries, e => e.Vat == "A" && e.Delivery is DropExportsDelivery);

        await c.QueueToVatRootAsync("B", "retireKept");
        await c.RunAsync();
        Assert.Single(Deliveries.Entries, e => e.Vat == "A" && e.Delivery is RetireExportsDelivery);
        var after = await c.DumpAsync();
        Assert.DoesNotContain(after.Keys, k => k.StartsWith(ko + ".", StringComparison.Ordinal) || k.EndsWith("." + ko, StringComparison.Ordinal));
        var stats = await c.GetStatsAsync();
        Assert.Equal(1, stats[KernelStat.DeliverDropExports]);
        Assert.Equal(1, stats[KernelStat.DeliverRetireExports]);
        await AssertAuditClean(c);
    }

    [Fact]
    public async Task An_exporter_that_retires_an_export_makes_importers_retire_it_too()
    {
        var (c, ko) = await ExportFromAToB();
        await c.QueueToVatRootAsync("B", "dropKept");
        await c.RunAsync();
        await c.QueueToVatRootAsync("A", "retireExported"); // legal: no longer reachable, only recognizable
        await c.RunAsync();
        var retire = Assert.Single(Deliveries.Entries, e => e.Vat == "B" && e.Delivery is RetireImportsDelivery);
        Assert.Single(((RetireImportsDelivery)retire.Delivery).Vrefs);
        Assert.DoesNotContain((await c.DumpAsync()).Keys, k => k.Contains(ko.ToString(), StringComparison.Ordinal));
        await AssertAuditClean(c);
    }

    [Fact]
    public async Task An_abandoned_export_is_orphaned_and_deleted_once_its_importer_lets_go()
    {
        var (c, ko) = await ExportFromAToB();
        await c.QueueToVatRootAsync("A", "abandonExported");
        await c.RunAsync();
        var dump = await c.DumpAsync();
        Assert.False(dump.ContainsKey($"{ko}.owner"));
        Assert.Equal("1,1", dump[$"{ko}.refCount"]);
        await c.QueueToVatRootAsync("B", "dropKept");
        await c.RunAsync();
        Assert.Single(Deliveries.Entries, e => e.Vat == "B" && e.Delivery is RetireImportsDelivery);
        Assert.DoesNotContain((await c.DumpAsync()).Keys, k => k.Contains(ko.ToString(), StringComparison.Ordinal));
        await AssertAuditClean(c);
    }

    [Fact]
    public async Task A_notify_retires_settled_promises_nested_in_the_resolution_too()
    {
        var c = await Start("A", "B");
        var aRoot = (await c.GetVatInfoAsync("A")).Root;
        await c.QueueToVatRootAsync("B", CallWith("askNested", aRoot));
        await c.RunAsync();
        var notify = Assert.Single(Deliveries.NotifiesTo("B"));
        Assert.Equal(2, notify.Resolutions.Count);
        Assert.Equal("p+1", notify.Resolutions[0].Vpid);
        Assert.Equal(notify.Resolutions[0].Data.Slots[0], notify.Resolutions[1].Vpid);
        Assert.Equal(SmallCaps.Encode("inner value"), notify.Resolutions[1].Data.Body);
        var dump = await c.DumpAsync();
        Assert.DoesNotContain(dump.Keys, k => k.StartsWith("v2.c.p", StringComparison.Ordinal));
        Assert.DoesNotContain(dump.Keys, k => k.StartsWith("kp", StringComparison.Ordinal) && k.EndsWith(".state", StringComparison.Ordinal) && dump[k] != "fulfilled");
        await AssertAuditClean(c);
    }

    [Fact]
    public async Task Messages_to_a_fulfilled_promise_follow_it_and_a_rejection_rejects_them()
    {
        var c = await Start("A", "B");
        var exported = await c.QueueToVatRootAsync("A", "exportObject");
        var failed = await c.QueueToVatRootAsync("A", "fail");
        var value = await c.QueueToVatRootAsync("A", "echo", 5);
        await c.RunAsync();
        // exportObject resolved to a record; its slot is an object: sending to the promise itself is "not callable"
        var toRecord = await c.QueueToKrefAsync(exported, Call("echo", 1));
        var toRejected = await c.QueueToKrefAsync(failed, Call("echo", 2));
        var toNumber = await c.QueueToKrefAsync(value, Call("echo", 3));
        await c.RunAsync();
        Assert.Equal(SmallCaps.Error("data is not callable, has no method echo"), (await c.GetPromiseAsync(toRecord)).Data!.Body);
        Assert.Equal(SmallCaps.Error("failed on purpose"), (await c.GetPromiseAsync(toRejected)).Data!.Body);
        Assert.Equal(SmallCaps.Error("data is not callable, has no method echo"), (await c.GetPromiseAsync(toNumber)).Data!.Body);
        await AssertAuditClean(c);
    }

    [Fact]
    public async Task Resolving_the_same_promise_twice_is_illegal()
    {
        var c = await Start("A");
        var r = await c.QueueToVatRootAsync("A", "resolveTwice");
        await c.RunAsync();
        Assert.False((await c.GetVatInfoAsync("A")).Alive);
        Assert.Equal(SmallCaps.Error("vat terminated"), (await c.GetPromiseAsync(r)).Data!.Body);
        await AssertAuditClean(c);
    }

    [Fact]
    public async Task Between_cranks_an_import_of_a_retired_object_with_its_retireImport_pending_is_legal()
    {
        var log = new ProbeLog();
        var k = InProcessKernelTests.Build(log, "A", "B");
        await k.RunAsync();
        var exported = k.QueueToVatRoot("A", Call("exportObject"));
        await k.RunAsync();
        var ko = k.GetPromise(exported).Data!.Slots[0];
        k.QueueToVatRoot("B", CallWith("keep", ko));
        await k.RunAsync();
        k.QueueToVatRoot("B", Call("dropKept"));
        k.QueueToVatRoot("A", Call("abandonExported"));
        await k.RunAsync();
        k.ReleasePromise(exported); // the orphan is now unreachable: deleted, with a retireImport queued for B
        var dump = await k.DumpAsync();
        Assert.Contains($"v2 retireImport {ko}", dump["gcActions"], StringComparison.Ordinal);
        Assert.True(dump.ContainsKey($"v2.c.{ko}"));
        Assert.True(KernelAudit.Run(dump).IsClean, KernelAudit.Run(dump).ToString());
        await k.RunAsync();
        Assert.False((await k.DumpAsync()).ContainsKey($"v2.c.{ko}"));
        await AssertAuditClean(k);
    }
}

/// <summary>Promise pipelining: a send to an unresolved promise goes to its decider when that vat asks for it.</summary>
public sealed class PipeliningTests : ProbeKernelTest
{
    [Fact]
    public async Task Messages_to_a_promise_go_to_a_pipelining_decider_and_wait_in_the_queue_otherwise()
    {
        var c = await Start("A");
        var (_, created) = await c.CreateVatAsync("probe:A", enablePipelining: true);
        await c.RunAsync();
        var pipelinedRoot = (await c.GetPromiseAsync(created)).Data!.Slots[0];

        var viaPipeline = await c.QueueToKrefAsync(pipelinedRoot, Call("hang"));   // decided by the pipelining vat
        var viaQueue = await c.QueueToVatRootAsync("A", "hang");                  // decided by A (no pipelining)
        await c.RunAsync();
        var toPipelined = await c.QueueToKrefAsync(viaPipeline, Call("echo", 1));
        var toQueued = await c.QueueToKrefAsync(viaQueue, Call("echo", 2));
        await c.RunAsync();

        Assert.Contains(Deliveries.Entries, e => e.Delivery is MessageDelivery { Target: "p-60" } m && m.Methargs.Body.Contains("echo", StringComparison.Ordinal));
        Assert.Equal(1L, (await c.GetPromiseAsync(toPipelined)).Value);
        Assert.Equal(1, (await c.GetPromiseAsync(viaQueue)).QueueLength);
        Assert.Equal(PromiseState.Unresolved, (await c.GetPromiseAsync(toQueued)).State);
        await AssertAuditClean(c);
    }
}
