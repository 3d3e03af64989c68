using ActorSwingSet.Vats;
using ActorSwingSet.Kernel;
using ActorSwingSet.Tests.Support;
using Xunit;
using static ActorSwingSet.Tests.Support.Probe;

namespace ActorSwingSet.Tests.Scenarios;

/// <summary>Reaping: every delivery, GC deliveries included, counts toward the reap interval.</summary>
public sealed class ReapIntervalTests : ProbeKernelTest
{
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
