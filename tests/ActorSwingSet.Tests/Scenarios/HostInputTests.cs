using ActorSwingSet.Tests.Support;
using Xunit;
using static ActorSwingSet.Tests.Support.Probe;

namespace ActorSwingSet.Tests.Scenarios;

/// <summary>Bad input from the host gets a clear error; nothing changes and the kernel keeps running.</summary>
public sealed class HostInputTests : ProbeKernelTest
{
    [Fact]
    public async Task Bad_requests_fail_with_a_clear_error_and_change_nothing()
    {
        var c = await Start("A");
        var before = await c.DumpAsync();

        Assert.Contains("no vat named 'nobody'", (await Assert.ThrowsAsync<ArgumentException>(() => c.QueueToVatRootAsync("nobody", "echo"))).Message);
        Assert.Contains("malformed capdata", (await Assert.ThrowsAsync<ArgumentException>(() => c.QueueToVatRootAsync("A", KCapData.Of("{not smallcaps")))).Message);
        Assert.Contains("[method, [args...]]", (await Assert.ThrowsAsync<ArgumentException>(() => c.QueueToVatRootAsync("A", KCapData.Of("#42")))).Message);
        Assert.Contains("does not exist", (await Assert.ThrowsAsync<ArgumentException>(() => c.QueueToVatRootAsync("A", CallWith("hold", Kref.Object(999))))).Message);
        Assert.Contains("no vat bundle", (await Assert.ThrowsAsync<ArgumentException>(() => c.UpgradeVatAsync("A", "missing"))).Message);
        Assert.Contains("no vat bundle", (await Assert.ThrowsAsync<ArgumentException>(() => c.CreateVatAsync("missing"))).Message);
        Assert.Contains("unknown promise", (await Assert.ThrowsAsync<ArgumentException>(() => c.GetPromiseAsync(Kref.Promise(12345)))).Message);
        Assert.Contains("holds no reference", (await Assert.ThrowsAsync<ArgumentException>(() => c.ReleasePromiseAsync(Kref.Promise(12345)))).Message);

        Assert.Empty(KernelStateDump.Diff(before, await c.DumpAsync()));
        var ok = await c.QueueToVatRootAsync("A", "echo", 7);
        await c.RunAsync();
        Assert.Equal(7L, (await c.GetPromiseAsync(ok)).Value);
        await c.ReleasePromiseAsync(ok);
        await AssertAuditClean(c);
    }

    [Fact]
    public async Task A_call_to_a_kernel_actor_that_has_stopped_fails_instead_of_waiting()
    {
        var c = await Start("A");
        Watch(c.Kernel);
        Sys.Stop(c.Kernel);
        ExpectTerminated(c.Kernel);
        var e = await Assert.ThrowsAsync<KernelPanicException>(() => c.GetStatsAsync());
        Assert.Contains("has stopped", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_configuration_is_refused_before_anything_starts()
    {
        var bundles = new VatBundleRegistry().Register("b", () => new ProbeVat(Deliveries, "x"));
        Assert.Throws<ArgumentException>(() => SwingSetController.Start(Sys, new KernelConfig { Bundles = bundles, Vats = [new("a", "b"), new("a", "b")] }));
        Assert.Throws<ArgumentException>(() => SwingSetController.Start(Sys, new KernelConfig { Bundles = bundles, Vats = [new("a", "nope")] }));
        Assert.Throws<ArgumentException>(() => SwingSetController.Start(Sys, new KernelConfig { Bundles = bundles, Vats = [new("v1", "b")] }));
    }

    [Fact]
    public async Task Dynamic_vats_are_created_at_runtime_and_a_failing_start_leaves_no_trace()
    {
        var c = await Start("A");
        var (vatId, created) = await c.CreateVatAsync("probe:A");
        await c.RunAsync();
        var status = await c.GetPromiseAsync(created);
        var root = status.Data!.Slots[0];
        Assert.Equal(vatId, ((IReadOnlyDictionary<string, object?>)status.Value!)["vatID"]);
        var echo = await c.QueueToKrefAsync(root, Call("echo", "dyn"));
        await c.RunAsync();
        Assert.Equal("dyn", (await c.GetPromiseAsync(echo)).Value);

        var before = await c.DumpAsync();
        var (badId, failed) = await c.CreateVatAsync("probe-broken:A");
        await c.RunAsync();
        Assert.Equal(PromiseState.Rejected, (await c.GetPromiseAsync(failed)).State);
        await Assert.ThrowsAsync<ArgumentException>(() => c.GetVatInfoAsync(badId));
        var after = await c.DumpAsync();
        Assert.DoesNotContain(after.Keys, k => k.StartsWith(badId + ".", StringComparison.Ordinal));
        Assert.Equal(before["vat.dynamicIDs"], after["vat.dynamicIDs"]);
        await AssertAuditClean(c);
    }
}
