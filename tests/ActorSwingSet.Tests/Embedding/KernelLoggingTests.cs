using ActorSwingSet.Tests.Support;
using Xunit;
using static ActorSwingSet.Tests.Support.Probe;

namespace ActorSwingSet.Tests.Embedding;

/// <summary>The kernel tells its story through Akka's logging: vat creation, upgrades, terminations, commits.</summary>
public sealed class KernelLoggingTests() : Akka.TestKit.Xunit2.TestKit(LoadedMachine.TestKitConfig + """
    akka.loglevel = DEBUG
    actorswingset.persistence.enabled = on
    akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
    akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
    """)
{
    private readonly ProbeLog _log = new();

    [Fact]
    public async Task Vat_life_events_and_commits_are_logged_at_info_warning_and_debug()
    {
        var c = Sys.StartSwingSet(Config(_log, "A", "B"));
        await EventFilter.Debug(contains: "ran 2 cranks").ExpectOneAsync(async () => await c.RunAsync());

        await c.UpgradeVatAsync("A", "probe-v2:A");
        await EventFilter.Info(contains: "vat v1 upgraded to bundle 'probe-v2:A' (incarnation 1)").ExpectOneAsync(async () => await c.RunAsync());

        await c.UpgradeVatAsync("B", "probe-broken:B");
        await EventFilter.Warning(
            contains: "vat v2: upgrade to bundle 'probe-broken:B' failed, the old incarnation keeps running: startVat of the new incarnation: delivery failed")
            .ExpectOneAsync(async () => await c.RunAsync());

        await c.CreateVatAsync("probe:A");
        await EventFilter.Info(contains: "vat v3 created from bundle 'probe:A'").ExpectOneAsync(async () => await c.RunAsync());

        await c.TerminateVatAsync("v3", "no longer needed");
        await EventFilter.Warning(contains: "vat v3 terminated with failure: no longer needed").ExpectOneAsync(async () => await c.RunAsync());
        await c.QueueToVatRootAsync("B", "throw");
        await EventFilter.Warning(contains: "vat v2 terminated with failure: delivery failed: InvalidOperationException: vat code threw")
            .ExpectOneAsync(async () => await c.RunAsync());

        await EventFilter.Debug(contains: "committed block 1 at crank").ExpectOneAsync(async () => await c.CommitAsync());
        await AssertAuditClean(c);
    }
}
