using Akka.Actor;
using ActorSwingSet.Cli.Demo;
using Xunit;

namespace ActorSwingSet.Tests.Scenarios;

/// <summary>Cases (h) and (i): a thousand vats in one process, and byte-identical dumps from identical runs.</summary>
public sealed class ScaleAndDeterminismTests : Akka.TestKit.Xunit2.TestKit
{
    [Fact]
    public async Task A_thousand_vats_relay_promises_through_upgrades_and_the_audit_is_clean()
    {
        var c = SwingSetController.Start(Sys, DemoScenario.Config(1000), "ring");
        var r = await DemoScenario.RunAsync(c, hops: 3, upgrades: 5);
        Assert.True(r.Audit.IsClean, r.Audit.ToString());
        Assert.Equal(1000, r.Stats.LiveVats);
        Assert.Equal(5, r.Stats[KernelStat.UpgradesSucceeded]);
        Assert.True(r.Stats[KernelStat.DeliverMessage] >= 1000 * 4);
        Assert.Equal(0, r.Stats.PromiseCount); // everything settled and collected once the host let go
        // per upgraded vat: three promises it decided are disconnected (hang, selfWatch, sendToHeld), one offer is withdrawn
        Assert.Equal(5 * 4, r.Stats[KernelStat.PromisesRejected]);
    }

    [Fact]
    public async Task The_same_scenario_twice_gives_byte_identical_dumps()
    {
        async Task<byte[]> Once()
        {
            using var system = ActorSystem.Create("det" + Guid.NewGuid().ToString("N"));
            var c = SwingSetController.Start(system, DemoScenario.Config(40));
            var r = await DemoScenario.RunAsync(c, hops: 4, upgrades: 3);
            Assert.True(r.Audit.IsClean, r.Audit.ToString());
            using var ms = new MemoryStream();
            KernelStateDump.WriteJson(r.Dump, ms);
            await system.Terminate();
            return ms.ToArray();
        }
        var first = await Once();
        var second = await Once();
        Assert.Equal(first, second);
    }
}
