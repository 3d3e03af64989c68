using ActorSwingSet.TestKit.Tests.Support;
using Xunit;

namespace ActorSwingSet.TestKit.Tests;

/// <summary>What the builder and the base class's HOCON constructor set up.</summary>
public sealed class ConfigurationTests() : SwingSetTestKit("actorswingset.kernel.reap-interval = 1")
{
    [Fact]
    public async Task Raw_vats_and_vat_parameters_reach_the_vats_and_upgrades_take_new_parameters()
    {
        var kernel = await StartKernelAsync(k => k
            .RawVat<EchoRawVat>("echo")
            .RawVat("echo-too", () => new EchoRawVat())
            .Vat("holder", (_, parameters, _) => new Holder(parameters))
            .StaticVat("echo", "echo")
            .StaticVat("echo2", "echo-too")
            .StaticVat("holder", "holder", Passable.Record(("greeting", "hello"))));

        Assert.Equal("hi", await kernel.CallAsync<string>("echo", "say", "hi"));
        Assert.Equal(7L, await kernel.CallAsync<long>("echo2", "say", 7L));
        Assert.Equal("hello", (await kernel.CallAsync<IReadOnlyDictionary<string, object?>>("holder", "get"))["greeting"]);

        Assert.Equal(1L, (await kernel.UpgradeAsync("holder", "holder", Passable.Record(("greeting", "bye")))).AssertSucceeded());
        Assert.Equal("bye", (await kernel.CallAsync<IReadOnlyDictionary<string, object?>>("holder", "get"))["greeting"]);
    }

    [Fact]
    public async Task The_vat_admin_vat_runs_unless_turned_off()
    {
        var withAdmin = await StartKernelAsync(k => k.RawVat<EchoRawVat>("echo").StaticVat("echo", "echo"));
        var without = await StartKernelAsync(k => k.RawVat<EchoRawVat>("echo").StaticVat("echo", "echo").WithoutVatAdmin());

        Assert.True((await withAdmin.VatAsync("vatAdmin")).Alive);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => without.Controller.GetVatAdminServiceAsync());
        Assert.Equal("echo", (await without.VatAsync("v1")).Name);
    }

    [Fact]
    public async Task The_ActorSystem_reads_the_HOCON_given_to_the_base_class()
    {
        var kernel = await StartKernelAsync(k => k.RawVat<EchoRawVat>("echo").StaticVat("echo", "echo"));

        await kernel.CallAsync("echo", "say", 1L);

        Assert.Equal(1L, kernel.Controller.Settings.ReapInterval);
        Assert.True((await kernel.StatsAsync())[KernelStat.DeliverBringOutYourDead] > 0);
    }

    [Fact]
    public async Task Configure_changes_the_kernel_config_after_the_builder()
    {
        var kernel = await StartKernelAsync(k => k
            .RawVat<EchoRawVat>("echo")
            .StaticVat("echo", "echo")
            .Configure(c => c with { ReapInterval = 0 }));

        await kernel.CallAsync("echo", "say", 1L);

        Assert.Equal(0L, (await kernel.StatsAsync())[KernelStat.DeliverBringOutYourDead]);
    }
}
