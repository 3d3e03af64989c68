using Akka.Actor;
using ActorSwingSet.Vats;
using Xunit;

namespace ActorSwingSet.Tests.Scenarios;

/// <summary>A counter kept in the vatstore, so it survives upgrade (the README's example vat).</summary>
public sealed class CounterVat(int version = 1) : IRawVat
{
    public void Deliver(VatDelivery delivery, IVatSyscalls syscalls)
    {
        if (delivery is not MessageDelivery { Result: { } result } m) return;
        var call = (List<object?>)SmallCaps.Decode(m.Methargs.Body, m.Methargs.Slots.Length)!;
        var by = ((List<object?>)call[1]!) is [long n, ..] ? n : 1;
        var count = long.Parse(syscalls.VatstoreGet("count") ?? "0", System.Globalization.CultureInfo.InvariantCulture) + by * version;
        syscalls.VatstoreSet("count", count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        syscalls.Resolve(result, false, VCapData.Of(SmallCaps.Encode(count)));
    }
}

public sealed class CounterVatV2 : IRawVat
{
    private readonly CounterVat _inner = new(version: 2);
    public void Deliver(VatDelivery delivery, IVatSyscalls syscalls) => _inner.Deliver(delivery, syscalls);
}

/// <summary>The README's example, verbatim apart from the assertions.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public async Task Hosting_two_vats_and_upgrading_one()
    {
        var bundles = new VatBundleRegistry()
            .Register("counter-v1", () => new CounterVat())   // any IRawVat
            .Register("counter-v2", () => new CounterVatV2());
        using var system = ActorSystem.Create("app");
        var kernel = SwingSetController.Start(system, new KernelConfig {
            Bundles = bundles, Vats = [new("alice", "counter-v1"), new("bob", "counter-v1")] });
        var answer = await kernel.QueueToVatRootAsync("alice", "increment", 1);
        var upgraded = await kernel.UpgradeVatAsync("bob", "counter-v2", upgradeMessage: "v2");
        await kernel.RunAsync();                               // until the queues are empty
        Console.WriteLine(Passable.Format((await kernel.GetPromiseAsync(upgraded)).Resolution));   // {incarnationNumber: 1}
        Console.WriteLine(await kernel.AuditAsync());          // audit clean: ...

        Assert.Equal(1L, (await kernel.GetPromiseAsync(answer)).Value);
        Assert.Equal(1L, ((IReadOnlyDictionary<string, object?>)(await kernel.GetPromiseAsync(upgraded)).Value!)["incarnationNumber"]);
        Assert.Equal("{incarnationNumber: 1}", Passable.Format((await kernel.GetPromiseAsync(upgraded)).Resolution));
        var bobCount = await kernel.QueueToVatRootAsync("bob", "increment", 5);
        await kernel.RunAsync();
        Assert.Equal(10L, (await kernel.GetPromiseAsync(bobCount)).Value);
        Assert.True((await kernel.AuditAsync()).IsClean);
        await system.Terminate();
    }
}
