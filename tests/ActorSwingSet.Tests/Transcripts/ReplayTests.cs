using ActorSwingSet.Tests.Support;
using Xunit;

namespace ActorSwingSet.Tests.Transcripts;

/// <summary>
/// Vats never notice a restart or an eviction: their workers are rebuilt by replaying their transcripts, replay
/// costs no crank and changes no state, and a worker whose replay diverges is never used.
/// </summary>
public sealed class ReplayTests
{
    private static KernelConfig Config(params (string Name, string Bundle)[] vats) => new()
    {
        Bundles = new VatBundleRegistry().RegisterVat<TickCounterVat>("counter").RegisterVat<TickCounterV2Vat>("counter-v2")
            .RegisterVat<TickClientVat>("client").RegisterVat<MemoryCounterVat>("memory").Register("forgetful", () => new ForgetfulRawVat()),
        Vats = [.. vats.Select(v => new StaticVatConfig(v.Name, v.Bundle))],
        ReapInterval = 0,
    };

    private static async Task<(StoredKernel K, Kref Watch)> ClientAwaitingCounter()
    {
        var k = new StoredKernel(Config(("counter", "counter"), ("client", "client")));
        await k.Core.RunAsync();
        var watch = k.Core.QueueToVatRoot("client", HostValues.Methargs("watch", k.Core.GetVatInfo("counter").Root));
        await k.Core.RunAsync();
        Assert.Equal(PromiseState.Unresolved, k.Core.GetPromise(watch).State);
        k.Core.HoldDurably("watch", watch);
        return (k, watch);
    }

    /// <summary>No unresolved promise is left with a decider that has forgotten it: every one the client decides is settled.</summary>
    private static async Task AssertNothingLeftUndecided(StoredKernel k, string vat)
    {
        var dump = await k.Core.DumpAsync();
        var id = k.Core.GetVatInfo(vat).VatId;
        var undecided = dump.Where(e => e.Key.EndsWith(".decider", StringComparison.Ordinal) && e.Value == id).Select(e => e.Key).ToList();
        Assert.Empty(undecided);
    }

    [Fact]
    public async Task Terminating_an_offline_vat_brings_no_worker_online_and_evicts_none()
    {
        var k = new StoredKernel(Config(("a", "memory"), ("b", "memory")), maxVatsOnline: 1);
        await k.Core.RunAsync();
        Assert.Equal(1L, await k.CallAsync("a", "bump"));
        var a = k.Core.GetVatInfo("a").VatId;
        Assert.Equal([a], k.Port.Online);

        k.Core.QueueTerminateVat("b", true, KCapData.Of(SmallCaps.Error("done")));
        await k.Core.RunAsync();

        Assert.False(k.Core.GetVatInfo("b").Alive);
        Assert.Equal([a], k.Port.Online);                             // the termination ran no code of b's
        Assert.Equal(2L, await k.CallAsync("a", "bump"));
        await Probe.AssertAuditClean(k.Core);
    }

    [Fact]
    public async Task A_client_awaiting_a_counter_resumes_after_a_restart_and_settles_its_promise_once()
    {
        var (k, watch) = await ClientAwaitingCounter();
        await k.RestartAsync();
        Assert.Empty(k.Port.Online);                                  // a restart starts no vat
        Assert.Equal(1L, await k.CallAsync("counter", "tick"));
        Assert.Equal(PromiseState.Fulfilled, k.Core.GetPromise(watch).State);
        Assert.Equal("tick 1", k.Core.GetPromise(watch).Resolution);
        Assert.Equal(1L, await k.CallAsync("client", "settled"));
        await AssertNothingLeftUndecided(k, "client");
        await Probe.AssertAuditClean(k.Core);

        await k.RestartAsync();                                       // and the replayed worker remembers it
        Assert.Equal(1L, await k.CallAsync("client", "settled"));
        await Probe.AssertAuditClean(k.Core);
    }

    [Fact]
    public async Task A_client_awaiting_a_counter_over_a_restart_hears_of_the_counters_upgrade_and_settles_its_promise_once()
    {
        var (k, watch) = await ClientAwaitingCounter();
        await k.RestartAsync();
        var upgraded = k.Core.QueueUpgradeVat("counter", "counter-v2", null, "new counter");
        await k.Core.RunAsync();
        Assert.Equal(PromiseState.Fulfilled, k.Core.GetPromise(upgraded).State);
        Assert.Equal(PromiseState.Fulfilled, k.Core.GetPromise(watch).State);
        Assert.Equal("the counter went away: vatUpgraded", k.Core.GetPromise(watch).Resolution);
        Assert.Equal(1L, await k.CallAsync("client", "settled"));
        Assert.Equal(1L, await k.CallAsync("counter", "tick"));       // the new incarnation starts over
        Assert.Equal(1L, await k.CallAsync("client", "settled"));     // and the old await does not settle again
        await AssertNothingLeftUndecided(k, "client");
        await Probe.AssertAuditClean(k.Core);
    }

    [Fact]
    public async Task An_ephemeral_export_survives_a_restart()
    {
        var k = new StoredKernel(Config(("memory", "memory")));
        await k.Core.RunAsync();
        var made = k.Core.QueueToVatRoot("memory", HostValues.Methargs("fresh"));
        await k.Core.RunAsync();
        var fresh = Assert.IsType<Kref>(k.Core.GetPromise(made).Resolution);
        k.Core.HoldDurably("fresh", fresh);
        var first = k.Core.QueueToKref(fresh, HostValues.Methargs("bump"));
        await k.Core.RunAsync();
        Assert.Equal(1L, k.Core.GetPromise(first).Resolution);
        await k.RestartAsync();
        var second = k.Core.QueueToKref(fresh, HostValues.Methargs("bump"));
        await k.Core.RunAsync();
        Assert.Equal(2L, k.Core.GetPromise(second).Resolution);
        await Probe.AssertAuditClean(k.Core);
    }

    /// <summary>Six vats, bumped in turn for three rounds; each answer depends on memory the worker only has by replay.</summary>
    private static async Task<(SortedDictionary<string, string> Dump, int MostOnline)> Rounds(int maxVatsOnline, bool loadOnDemand = false)
    {
        var names = Enumerable.Range(1, 6).Select(i => $"m{i}").ToArray();
        var k = new StoredKernel(Config([.. names.Select(n => (n, "memory"))]), maxVatsOnline, loadOnDemand);
        await k.Core.RunAsync();
        var mostOnline = 0;
        for (var round = 1L; round <= 3; round++)
        {
            foreach (var n in names)
            {
                Assert.Equal(round, await k.CallAsync(n, "bump"));
                mostOnline = Math.Max(mostOnline, k.Port.Online.Count());
            }
            await k.CommitAsync();
            // loading on demand, a committed vat whose worker is offline has no host in memory either
            if (loadOnDemand) Assert.Equal(Math.Min(maxVatsOnline, names.Length), k.Port.HostsLoaded);
        }
        await Probe.AssertAuditClean(k.Core);
        if (loadOnDemand)
        {
            await k.RestartAsync();
            Assert.Equal(0, k.Port.HostsLoaded);                          // a restart loads no vat
        }
        return (await k.Core.DumpAsync(), mostOnline);
    }

    [Fact]
    public async Task With_two_vats_online_many_vats_in_turn_are_evicted_and_rebuilt_and_the_state_is_as_without_eviction()
    {
        var (evicting, mostOnline) = await Rounds(2);
        Assert.Equal(2, mostOnline);
        var (unlimited, allOnline) = await Rounds(int.MaxValue);
        Assert.Equal(6, allOnline);
        // replay runs no crank and changes nothing: the crank count and the stats included, byte for byte
        Assert.Equal(unlimited, evicting);
        var (onDemand, _) = await Rounds(2, loadOnDemand: true);
        Assert.Equal(unlimited, onDemand);
    }

    [Fact]
    public async Task A_worker_whose_replay_diverges_is_never_used_and_its_vat_is_terminated_naming_the_delivery_and_both_syscalls()
    {
        var k = new StoredKernel(Config(("forgetful", "forgetful"), ("memory", "memory")), maxVatsOnline: 1);
        await k.Core.RunAsync();
        var first = await k.CallAsync("forgetful", "who");
        Assert.Equal(1L, await k.CallAsync("memory", "bump"));       // evicts the forgetful vat's worker
        var again = k.Core.QueueToVatRoot("forgetful", HostValues.Methargs("who"));
        await k.Core.RunAsync();
        Assert.Equal(PromiseState.Rejected, k.Core.GetPromise(again).State);
        var info = k.Core.GetVatInfo("forgetful");
        Assert.False(info.Alive);
        var stored = System.Text.Json.JsonDocument.Parse((await k.Core.DumpAsync())[$"vat.terminationReason.{info.VatId}"]).RootElement;
        var reason = Assert.IsType<PassableError>(HostValues.Decode(KCapData.Of(stored.GetProperty("info").GetString()!))).Message;
        Assert.StartsWith($"delivery failed: replay of {info.VatId} diverged at delivery 1: syscall 0 expected " +
            $"[\"resolve\",[[\"p-60\",false,{{\"body\":\"#{first}\",\"slots\":[]}}]]] but the vat made [\"resolve\",[[\"p-60\",false,{{\"body\":\"#", reason);
        Assert.DoesNotContain($"\"#{first}\"", reason[reason.IndexOf("but the vat made", StringComparison.Ordinal)..]);
        Assert.Equal(2L, await k.CallAsync("memory", "bump"));       // the kernel and the other vat run on
        await Probe.AssertAuditClean(k.Core);
    }
}
