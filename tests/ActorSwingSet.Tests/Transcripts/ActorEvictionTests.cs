using Akka.Event;
using ActorSwingSet.Tests.Support;
using Xunit;

namespace ActorSwingSet.Tests.Transcripts;

/// <summary>
/// The vat warehouse with actors (no persistence): with <c>max-vats-online = 2</c>, a third vat's delivery stops the
/// least recently used vat's actor after its worker is let go, and that vat's next delivery starts it again as
/// <c>vN~K</c> and rebuilds its worker by replay. Upgrading or terminating a vat whose worker is offline works as
/// online. No message reaches a stopped vat actor.
/// </summary>
public sealed class ActorEvictionTests() : Akka.TestKit.Xunit2.TestKit(LoadedMachine.TestKitConfig + """
    akka.loglevel = WARNING
    actorswingset.kernel.max-vats-online = 2
    """)
{
    private static KernelConfig Config(int vats) => new()
    {
        Bundles = new VatBundleRegistry().RegisterVat<MemoryCounterVat>("memory"),
        Vats = [.. Enumerable.Range(1, vats).Select(i => new StaticVatConfig($"m{i}", "memory"))],
        ReapInterval = 1,
    };

    private static async Task<object?> Fulfilled(SwingSetController c, string vat, string method, params object?[] args)
    {
        var kp = await c.QueueToVatRootAsync(vat, method, args);
        await c.RunAsync();
        var status = await c.GetPromiseAsync(kp);
        await c.ReleasePromiseAsync(kp);
        Assert.True(status.State == PromiseState.Fulfilled, $"{vat}.{method}: {status.State} {status.Data?.Body}");
        return status.Resolution;
    }

    [Fact]
    public async Task With_two_vats_online_evicted_vat_actors_stop_and_come_back_renamed_and_remember_everything()
    {
        var dead = CreateTestProbe();
        Sys.EventStream.Subscribe(dead.Ref, typeof(DeadLetter));
        var name = "k" + Guid.NewGuid().ToString("N");
        var c = SwingSetController.Start(Sys, Config(6), name);
        await c.RunAsync();
        var ids = new List<string>();
        for (var i = 1; i <= 6; i++) ids.Add((await c.GetVatInfoAsync($"m{i}")).VatId);
        // each startVat brought its vat online (start 1); four were evicted on the way
        for (var round = 1L; round <= 3; round++)
        {
            // the two online from the previous round are evicted by this round's first two deliveries
            var last = await Sys.ActorSelection($"/user/{name}/{ids[5]}{(round == 1 ? "" : $"~{round}")}").ResolveOne(TimeSpan.FromSeconds(30));
            Watch(last);
            for (var i = 1; i <= 6; i++) Assert.Equal(round, await Fulfilled(c, $"m{i}", "bump"));
            ExpectTerminated(last);
            Unwatch(last);
        }
        // the round's last two are online, started for the fourth time
        var online = await Sys.ActorSelection($"/user/{name}/{ids[5]}~4").ResolveOne(TimeSpan.FromSeconds(30));
        Watch(online);

        // an upgrade and a termination of vats whose workers are offline
        var upgraded = await c.UpgradeVatAsync("m1", "memory");
        await c.RunAsync();
        Assert.Equal(PromiseState.Fulfilled, (await c.GetPromiseAsync(upgraded)).State);
        var terminated = await c.TerminateVatAsync("m2", "enough");
        await c.RunAsync();
        Assert.Equal(PromiseState.Fulfilled, (await c.GetPromiseAsync(terminated)).State);
        // the termination ran none of m2's code, so it took no worker's place: m6's is still the fourth
        Assert.Equal(4L, await Fulfilled(c, "m6", "bump"));
        await Assert.ThrowsAsync<Akka.Actor.ActorNotFoundException>(() => Sys.ActorSelection($"/user/{name}/{ids[5]}~5").ResolveOne(TimeSpan.FromSeconds(30)));
        Assert.Equal(1L, await Fulfilled(c, "m1", "bump"));                // the new incarnation starts over
        Assert.False((await c.GetVatInfoAsync("m2")).Alive);
        Assert.Equal(4L, await Fulfilled(c, "m3", "bump"));                 // evicts m6, the least recently used
        ExpectTerminated(online);
        for (var i = 4; i <= 5; i++) Assert.Equal(4L, await Fulfilled(c, $"m{i}", "bump"));
        await Probe.AssertAuditClean(c);
        dead.ExpectNoMsg(TimeSpan.Zero);
    }
}
