using ActorSwingSet.Tests.Support;
using Xunit;
using static ActorSwingSet.Tests.Support.Probe;
using static ActorSwingSet.Tests.Upgrade.UpgradeSteps;

namespace ActorSwingSet.Tests.Upgrade;

/// <summary>An upgrade abandons the old incarnation's ephemeral exports and keeps its durable ones and its vatstore.</summary>
public sealed class UpgradeAbandonsEphemeralExportsTests : ProbeKernelTest
{
    [Fact]
    public async Task Upgrade_abandons_ephemeral_exports_keeps_durable_ones_and_the_vatstore()
    {
        var c = await Start("A", "B");
        var eph = await c.QueueToVatRootAsync("A", "exportObject");
        var dur = await c.QueueToVatRootAsync("A", "exportDurable");
        await c.QueueToVatRootAsync("A", "store", "k", "kept");
        await c.RunAsync();
        var ephKo = (await c.GetPromiseAsync(eph)).Data!.Slots[0];
        var durKo = (await c.GetPromiseAsync(dur)).Data!.Slots[0];

        await Upgraded(c, "A", "probe-v2:A");
        var after = await c.DumpAsync();
        Assert.False(after.ContainsKey($"{ephKo}.owner"));
        Assert.Equal("v1", after[$"{durKo}.owner"]);
        Assert.Equal("kept", after["v1.vs.k"]);
        Assert.Equal("1", after["v1.incarnationNumber"]);

        var sent = await c.QueueToKrefAsync(ephKo, Call("echo", 1));
        await c.RunAsync();
        Assert.Equal(SmallCaps.Error("vat terminated"), (await c.GetPromiseAsync(sent)).Data!.Body);
        var durSent = await c.QueueToKrefAsync(durKo, Call("echo", 2));
        await c.RunAsync();
        Assert.Equal(2L, (await c.GetPromiseAsync(durSent)).Value);
        await AssertAuditClean(c);
    }
}
