using ActorSwingSet.Tests.Liveslots;
using ActorSwingSet.Tests.Support;
using Xunit;

namespace ActorSwingSet.Tests.Upgrade;

/// <summary>
/// Our rewrite of SwingSet's <c>test/upgrade/upgrade.test.js</c> expectations: a v1 vat with durable and virtual
/// objects, ephemeral promises it decides, a watched local promise and imports is upgraded to v2 through vat admin.
/// </summary>
public sealed class DurableVatUpgradeTests : LiveslotsKernelTest
{
    private static readonly IReadOnlyDictionary<string, object?> VatUpgraded = Passable.Record(
        ("incarnationNumber", 0L), ("name", "vatUpgraded"), ("upgradeMessage", "test upgrade"));

    private async Task StartScenario()
    {
        var bundles = new VatBundleRegistry()
            .RegisterVat<UpgradeDriverVat>("bootstrap")
            .RegisterVat<UlrikV1>("ulrik-1")
            .RegisterVat<UlrikV2>("ulrik-2")
            .RegisterVat<CounterVatCode>("counter");
        await Start(bundles, ("bootstrap", "bootstrap"), ("importer", "counter"));
    }

    private async Task<IReadOnlyDictionary<string, object?>> BuildV1(bool withParameters = true) =>
        Rec(await Fulfilled("bootstrap", "buildV1", await Kernel.GetVatAdminServiceAsync(), await Root("importer"), withParameters));

    [Fact]
    public async Task Vat_upgrade_keeps_durable_state_and_rejects_and_collects_ephemeral_promises()
    {
        await StartScenario();
        var marker = Assert.IsType<Kref>((await Call("bootstrap", "getMarker")).Resolution);   // retained, as SwingSet does
        var v1 = await BuildV1();
        var wrappers = Rec((await Call("bootstrap", "getWrappers")).Resolution);
        Assert.Equal("v1", v1["version"]);
        Assert.Equal("v1", Rec(v1["parameters"])["youAre"]);
        Assert.Equal(new object?[] { "some", "data" }, List(v1["data"]));
        Assert.Equal(marker, v1["marker"]);
        var (p1, p2, p3) = ((Kref)v1["p1"]!, (Kref)v1["p2"]!, (Kref)v1["p3"]!);
        var (p1w, p2w) = ((Kref)wrappers["p1w"]!, (Kref)wrappers["p2w"]!);
        var retain = Rec(v1["retain"]);
        var (dur1, vir2, rem1) = ((Kref)retain["dur1"]!, (Kref)retain["vir2"]!, (Kref)retain["rem1"]!);

        var dump = await Kernel.DumpAsync();
        var ulrik = dump[$"{dur1}.owner"];
        string Vref(IReadOnlyDictionary<string, string> d, Kref k) => d[$"{ulrik}.c.{k}"][2..];
        Assert.StartsWith("o+d", Vref(dump, dur1));
        Assert.StartsWith("o+v", Vref(dump, vir2));
        Assert.Matches("^o\\+[0-9]+$", Vref(dump, rem1));
        var importer = await Root("importer");
        Assert.StartsWith("R o-", dump[$"{ulrik}.c.{importer}"]);
        foreach (var p in new[] { p1, p2, p3 }) Assert.Equal(ulrik, dump[$"{p}.decider"]);
        // the unreferenced virtual object is collected by the bringOutYourDead that starts the upgrade;
        // remember its vref: o+vK/2 of the virtual kind
        var virPrefix = Vref(dump, vir2)[..Vref(dump, vir2).IndexOf('/')];
        Assert.True(dump.ContainsKey($"{ulrik}.vs.vom.{virPrefix}/2"));

        var v2 = Rec(await Fulfilled("bootstrap", "upgradeV2", true, null, false));
        Assert.Equal(Passable.Record(("incarnationNumber", 1L)), Rec(v2["upgradeResult"]));
        Assert.Equal("v2", v2["version"]);
        Assert.Equal("v2", Rec(v2["parameters"])["youAre"]);
        Assert.Equal(new object?[] { "some", "data" }, List(v2["data"]));
        Assert.Equal(marker, v2["marker"]);
        var newDur = Assert.IsType<Kref>(v2["newDur"]);
        Assert.NotEqual(dur1, newDur);
        // the watcher fired in v2 with the upgrade's rejection, because the vat was subscribed to its own promise
        Assert.Equal(new object?[] { "reject", VatUpgraded }, List(v2["watcherResult"]));
        // the wrappers of the ephemeral promises saw the same rejection
        foreach (var w in new[] { p1w, p2w })
        {
            var s = await Kernel.GetPromiseAsync(w);
            Assert.Equal(PromiseState.Rejected, s.State);
            Assert.Equal(VatUpgraded, Rec(s.Resolution));
        }

        dump = await Kernel.DumpAsync();
        // the old incarnation's ephemeral promises are gone: no kp rows, no c-list entries (SwingSet #9039 fixed)
        foreach (var p in new[] { p1, p2, p3 })
        {
            Assert.Empty(Probe.KeysFor(dump, p));
            Assert.False(dump.ContainsKey($"{ulrik}.c.{p}"));
        }
        // durable objects keep their owner and vrefs; virtual and ephemeral exports were abandoned
        Assert.Equal(ulrik, dump[$"{dur1}.owner"]);
        Assert.False(dump.ContainsKey($"{vir2}.owner"));
        Assert.False(dump.ContainsKey($"{rem1}.owner"));
        Assert.False(dump.ContainsKey($"{ulrik}.vs.vom.{virPrefix}/2"));
        // the import held in durable state is still reachable
        Assert.StartsWith("R o-", dump[$"{ulrik}.c.{importer}"]);
        await AuditClean();
    }

    [Fact]
    public async Task Durable_promise_survives_upgrade_and_the_next_incarnation_resolves_it()
    {
        await StartScenario();
        var v1 = await BuildV1();
        var ulrik = (await Kernel.DumpAsync())[$"{(Kref)Rec(v1["retain"])["dur1"]!}.owner"];
        var waiting = await Kernel.QueueToVatRootAsync("bootstrap", "awaitDurable");
        await Kernel.RunAsync();
        Assert.Equal(PromiseState.Unresolved, (await Kernel.GetPromiseAsync(waiting)).State);
        await Fulfilled("bootstrap", "upgradeV2", true, null, false);
        Assert.Equal(PromiseState.Unresolved, (await Kernel.GetPromiseAsync(waiting)).State);
        var dump = await Kernel.DumpAsync();
        // the vat's durable promise is still unresolved, decided by the new incarnation (vat admin's done-promise is the other)
        var durable = dump.Where(kv => kv.Key.EndsWith(".durable", StringComparison.Ordinal) && dump[kv.Key[..^".durable".Length] + ".decider"] == ulrik).ToList();
        Assert.Single(durable);
        await Fulfilled("bootstrap", "resolveDurableInV2", "settled by v2");
        var s = await Kernel.GetPromiseAsync(waiting);
        Assert.Equal(PromiseState.Fulfilled, s.State);
        Assert.Equal("settled by v2", s.Resolution);
        await AuditClean();
    }

    [Fact]
    public async Task Upgrade_without_vatParameters()
    {
        await StartScenario();
        var v1 = await BuildV1(withParameters: false);
        Assert.Null(v1["parameters"]);
        var v2 = Rec(await Fulfilled("bootstrap", "upgradeV2", false, null, false));
        Assert.True(v2["parameters"] is null, Passable.Format(v2["parameters"]));
        Assert.Equal(Passable.Record(("incarnationNumber", 1L)), Rec(v2["upgradeResult"]));
        await AuditClean();
    }

    [Theory]
    [InlineData("explode", false)]
    [InlineData(null, true)]
    public async Task Failed_upgrade_rolls_back_and_the_old_incarnation_keeps_running(string? explode, bool forgetKinds)
    {
        await StartScenario();
        var v1 = await BuildV1();
        var p1w = (Kref)Rec((await Call("bootstrap", "getWrappers")).Resolution)["p1w"]!;
        var before = await Kernel.DumpAsync();
        var result = Rec(await Fulfilled("bootstrap", "tryUpgrade", explode, forgetKinds));
        Assert.Equal(new PassableError("Error", "vat-upgrade failure"), result["failed"]);
        Assert.Equal("v1", result["version"]);
        Assert.Equal(PromiseState.Unresolved, (await Kernel.GetPromiseAsync(p1w)).State);
        var after = await Kernel.DumpAsync();
        var ulrik = before[$"{(Kref)Rec(v1["retain"])["dur1"]!}.owner"];
        Assert.Equal(before[$"{ulrik}.incarnationNumber"], after[$"{ulrik}.incarnationNumber"]);
        Assert.Equal("v1", await Fulfilled("bootstrap", "getVersion"));
        await AuditClean();
    }
}
