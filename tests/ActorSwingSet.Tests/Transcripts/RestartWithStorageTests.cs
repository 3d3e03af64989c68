using Akka.Actor;
using Akka.Configuration;
using ActorSwingSet.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit;

namespace ActorSwingSet.Tests.Transcripts;

/// <summary>
/// The restart a new user tries, on the real kernel actor and SQLite: a C# client awaiting a counter's promise, the
/// process gone after a commit (no orderly stop), a new process on the same file. The client's await resumes.
/// </summary>
public sealed class RestartWithStorageTests : ScratchDirectoryTest
{
    private string Db => Path.Combine(Dir, "kernel.db");

    private static KernelConfig Config() => new()
    {
        Bundles = new VatBundleRegistry().RegisterVat<TickCounterVat>("counter").RegisterVat<TickCounterV2Vat>("counter-v2").RegisterVat<TickClientVat>("client"),
        Vats = [new("counter", "counter"), new("client", "client")],
        ReapInterval = 0,
        EnableVatAdmin = true,
    };

    private ActorSystem Process(string name) => ActorSystem.Create(name + Guid.NewGuid().ToString("N"),
        ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(SqliteStorage.Config(Db)));

    private static async Task<PromiseStatus> Call(SwingSetController c, string vat, string method)
    {
        var kp = await c.QueueToVatRootAsync(vat, method);
        await c.RunAsync();
        return await c.GetPromiseAsync(kp);
    }

    /// <summary>The first process: the client starts watching, the block commits, and the process is gone.</summary>
    private async Task ClientWatchingThenProcessGone()
    {
        var first = Process("first");
        var c = SwingSetController.Start(first, Config());
        await c.RunAsync();
        var watch = await c.QueueToVatRootAsync("client", "watch", (await c.GetVatInfoAsync("counter")).Root);
        await c.RunAsync();
        Assert.Equal(PromiseState.Unresolved, (await c.GetPromiseAsync(watch)).State);
        await c.HoldDurablyAsync("watch", watch);
        await c.CommitAsync();
        await first.Terminate();
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task A_client_awaiting_a_counter_resumes_in_a_new_process_and_settles_its_promise_once()
    {
        await ClientWatchingThenProcessGone();
        var second = Process("second");
        var c = SwingSetController.Start(second, Config());
        var watch = (await c.GetDurableHoldsAsync())["watch"];
        Assert.Equal(1L, (await Call(c, "counter", "tick")).Resolution);
        var status = await c.GetPromiseAsync(watch);
        Assert.Equal((PromiseState.Fulfilled, "tick 1"), (status.State, status.Resolution));
        Assert.Equal(1L, (await Call(c, "client", "settled")).Resolution);
        await Probe.AssertAuditClean(c);
        await second.Terminate();
    }

    [Fact]
    public async Task A_client_awaiting_a_counter_hears_in_a_new_process_of_the_counters_upgrade_and_settles_its_promise_once()
    {
        await ClientWatchingThenProcessGone();
        var second = Process("second");
        var c = SwingSetController.Start(second, Config());
        var watch = (await c.GetDurableHoldsAsync())["watch"];
        var upgraded = await c.UpgradeVatAsync("counter", "counter-v2");
        await c.RunAsync();
        Assert.Equal(PromiseState.Fulfilled, (await c.GetPromiseAsync(upgraded)).State);
        var status = await c.GetPromiseAsync(watch);
        Assert.Equal((PromiseState.Fulfilled, "the counter went away: vatUpgraded"), (status.State, status.Resolution));
        Assert.Equal(1L, (await Call(c, "client", "settled")).Resolution);
        Assert.Equal(1L, (await Call(c, "counter", "tick")).Resolution);
        Assert.Equal(1L, (await Call(c, "client", "settled")).Resolution);
        var dump = await c.DumpAsync();
        var client = (await c.GetVatInfoAsync("client")).VatId;
        Assert.DoesNotContain(dump, e => e.Key.EndsWith(".decider", StringComparison.Ordinal) && e.Value == client);
        await Probe.AssertAuditClean(c);
        await second.Terminate();
    }
}
