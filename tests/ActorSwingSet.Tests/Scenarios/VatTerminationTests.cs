using ActorSwingSet.Audit;
using ActorSwingSet.Kernel;
using ActorSwingSet.Kernel.State;
using ActorSwingSet.Marshal;
using ActorSwingSet.Tests.Pure;
using ActorSwingSet.Tests.Support;
using ActorSwingSet.Vat;
using Xunit;
using static ActorSwingSet.Tests.Support.Probe;

namespace ActorSwingSet.Tests.Scenarios;

/// <summary>Regression tests for what a review against SwingSet's kernel found.</summary>
public sealed class ReviewFindingsTests : ProbeKernelTest
{
    [Fact]
    public async Task A_failed_upgrade_keeps_what_the_old_incarnation_did_in_its_bringOutYourDead()
    {
        var c = await Start("A", "B");
        var exported = await c.QueueToVatRootAsync("A", "exportObject");
        await c.RunAsync();
        var ko = (await c.GetPromiseAsync(exported)).Data!.Slots[0];
        await c.QueueToVatRootAsync("B", CallWith("keep", ko));
        await c.QueueToVatRootAsync("B", "armBoydDrop");
        await c.RunAsync();
        await c.ReleasePromiseAsync(exported);

        var failed = await c.UpgradeVatAsync("B", "probe-broken:B");
        await c.RunAsync();
        Assert.Equal(PromiseState.Rejected, (await c.GetPromiseAsync(failed)).State);
        Assert.True((await c.GetVatInfoAsync("B")).Alive);
        var dump = await c.DumpAsync();
        Assert.Equal("0", dump["v2.incarnationNumber"]);
        // the old incarnation dropped the import in its bringOutYourDead and remembers it did: the kernel agrees
        Assert.StartsWith("_ ", dump[$"v2.c.{ko}"], StringComparison.Ordinal);
        Assert.Equal("0,1", dump[$"{ko}.refCount"]);
        Assert.Single(Deliveries.Entries, e => e.Vat == "A" && e.Delivery is DropExportsDelivery);
        await AssertAuditClean(c);

        await c.UpgradeVatAsync("B", "probe-v2:B");
        await c.RunAsync();
        Assert.Equal("1", (await c.DumpAsync())["v2.incarnationNumber"]);
        await AssertAuditClean(c);
    }

    [Fact]
    public async Task A_terminated_vat_releases_the_references_in_its_vatParameters()
    {
        var c = await Start("A");
        var exported = await c.QueueToVatRootAsync("A", "exportObject");
        await c.RunAsync();
        var ko = (await c.GetPromiseAsync(exported)).Data!.Slots[0];
        var (vatId, created) = await c.CreateVatAsync("probe:A", KCapData.Of(SmallCaps.Encode(new SlotRef(0, false, "gift")), ko));
        await c.RunAsync();
        await c.TerminateVatAsync(vatId, "enough");
        await c.RunAsync();
        await c.ReleasePromiseAsync(exported);
        await c.ReleasePromiseAsync(created);
        await c.RunAsync();
        Assert.DoesNotContain((await c.DumpAsync()).Keys, k => k.StartsWith(ko + ".", StringComparison.Ordinal));
        Assert.Single(Deliveries.Entries, e => e.Vat == "A" && e.Delivery is RetireExportsDelivery);
        await AssertAuditClean(c);
    }

    [Fact]
    public async Task A_clean_exit_during_startVat_creates_the_vat_then_terminates_it_keeping_its_work()
    {
        var c = await Start("A");
        var (vatId, created) = await c.CreateVatAsync("probe:A", KCapData.Of(SmallCaps.Encode("exit-on-start")));
        await c.RunAsync();
        Assert.Equal(PromiseState.Fulfilled, (await c.GetPromiseAsync(created)).State);
        var info = await c.GetVatInfoAsync(vatId);
        Assert.False(info.Alive);
        Assert.False(info.Termination!.IsFailure);
        Assert.Contains(vatId, (await c.DumpAsync())["vats.terminated"], StringComparison.Ordinal);
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

    [Fact]
    public async Task Every_delivery_including_GC_counts_toward_the_reap_interval_and_a_reap_starts_the_count_afresh()
    {
        var log = new ProbeLog();
        var config = Config(log, "A", "B") with { ReapInterval = 3 };
        var k = new KernelCore(new InProcessVatPort(config.Bundles), new KernelOptions(config.Bundles, 3));
        k.Initialize(config.Vats);
        await k.RunAsync(); // startVat: 1 delivery each
        var exported = k.QueueToVatRoot("A", Call("exportObject")); // 2nd delivery to A
        await k.RunAsync();
        var ko = k.GetPromise(exported).Data!.Slots[0];
        k.QueueToVatRoot("B", CallWith("keep", ko));
        await k.RunAsync();
        k.ReleasePromise(exported);
        k.QueueToVatRoot("B", Call("dropKept"));
        await k.RunAsync(); // dropExports to A: its 3rd delivery, so A is reaped
        Assert.Single(log.Entries, e => e.Vat == "A" && e.Delivery is BringOutYourDeadDelivery);
        Assert.Contains("\"deliveries\":0", (await k.DumpAsync())["v1.reapDirt"], StringComparison.Ordinal);
        await AssertAuditClean(k);
    }
}
