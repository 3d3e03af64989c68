using Akka.Actor;
using Akka.Configuration;
using ActorSwingSet.Tests.Support;
using Xunit;

namespace ActorSwingSet.Tests.Liveslots;

public sealed class DeterminismAndRestartTests : ScratchDirectoryTest
{

    private static KernelConfig Config() => new()
    {
        Bundles = new VatBundleRegistry().RegisterVat<UpgradeDriverVat>("bootstrap").RegisterVat<UlrikV1>("ulrik-1")
            .RegisterVat<UlrikV2>("ulrik-2").RegisterVat<CounterVatCode>("counter").RegisterVat<StorageVat>("storage"),
        Vats = [new("bootstrap", "bootstrap"), new("importer", "counter"), new("storage", "storage")],
        ReapInterval = 2,
        EnableVatAdmin = true,
    };

    private static async Task<PromiseStatus> Settle(SwingSetController c, string vat, string method, params object?[] args)
    {
        var kp = await c.QueueToVatRootAsync(vat, method, args);
        await c.RunAsync();
        return await c.GetPromiseAsync(kp);
    }

    /// <summary>The whole upgrade scenario, with reaping every other delivery (so GC runs often).</summary>
    private static async Task<IReadOnlyDictionary<string, string>> RunScenario()
    {
        using var system = ActorSystem.Create("det" + Guid.NewGuid().ToString("N"), "akka.loglevel = WARNING");
        var c = SwingSetController.Start(system, Config());
        await c.RunAsync();
        await Settle(c, "bootstrap", "buildV1", await c.GetVatAdminServiceAsync(), (await c.GetVatInfoAsync("importer")).Root, true);
        await Settle(c, "bootstrap", "upgradeV2", true, null, false);
        await Settle(c, "storage", "makeGarbage", 3L);
        await Settle(c, "storage", "bump");
        await Probe.AssertAuditClean(c);
        var dump = await c.DumpAsync();
        await system.Terminate();
        return dump;
    }

    [Fact]
    public async Task The_same_deliveries_produce_the_same_state_byte_for_byte()
    {
        var first = await RunScenario();
        var second = await RunScenario();
        Assert.Equal(first.Count, second.Count);
        foreach (var (k, v) in first) Assert.Equal(v, second.GetValueOrDefault(k));
    }

    [Fact]
    public async Task After_a_kernel_restart_a_vat_is_rebuilt_from_its_transcript_and_every_object_answers()
    {
        var db = Path.Combine(Dir, "liveslots.db");
        (ActorSystem, SwingSetController) Boot()
        {
            var system = ActorSystem.Create("restart" + Guid.NewGuid().ToString("N"),
                ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(SqliteStorage.Config(db)));
            return (system, SwingSetController.Start(system, Config()));
        }

        var (s1, c1) = Boot();
        await c1.RunAsync();
        Assert.Equal(1L, (await Settle(c1, "storage", "bump")).Resolution);
        var thing = Assert.IsType<Kref>((await Settle(c1, "storage", "makeThing", "t", 5L)).Resolution);
        var scratch = Assert.IsType<Kref>((await Settle(c1, "storage", "makeScratch", "virtual")).Resolution);
        var counter = Assert.IsType<Kref>((await Settle(c1, "importer", "fresh")).Resolution);   // an ephemeral export
        // the session's holds end with it: what the host needs after the restart it holds durably
        await c1.HoldDurablyAsync("thing", thing);
        await c1.HoldDurablyAsync("scratch", scratch);
        await c1.HoldDurablyAsync("counter", counter);
        await c1.CommitAsync();
        await s1.Terminate();

        var (s2, c2) = Boot();
        Assert.Equal(2L, (await Settle(c2, "storage", "bump")).Resolution);          // baggage kept
        var got = await c2.QueueToKrefAsync(thing, "get");                             // a durable object still answers
        await c2.RunAsync();
        Assert.Equal(5L, (await c2.GetPromiseAsync(got)).Resolution);
        var virt = await c2.QueueToKrefAsync(scratch, "get");                          // so does a virtual one
        await c2.RunAsync();
        Assert.Equal("virtual", (await c2.GetPromiseAsync(virt)).Resolution);
        var kept = await c2.QueueToKrefAsync(counter, "count");                        // and an ephemeral one, its worker
        await c2.RunAsync();                                                           // rebuilt from the transcript
        var status = await c2.GetPromiseAsync(kept);
        Assert.Equal(PromiseState.Fulfilled, status.State);
        Assert.Equal(0L, status.Resolution);
        Assert.True((await c2.GetVatInfoAsync("importer")).Alive);
        await Probe.AssertAuditClean(c2);
        await s2.Terminate();
    }
}
