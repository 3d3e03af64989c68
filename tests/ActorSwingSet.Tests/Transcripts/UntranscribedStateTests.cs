using ActorSwingSet.Tests.Liveslots;
using ActorSwingSet.Tests.Support;
using ActorSwingSet.Vats;
using Xunit;

namespace ActorSwingSet.Tests.Transcripts;

/// <summary>
/// State stored before transcripts were kept (or by a kernel that keeps none durably): after a restart a vat's worker
/// is rebuilt from its vatstore, its imports all candidates for the next collection. The deliveries after that are
/// transcribed; when that worker is let go (evicted, or its crank aborted), the next one must be rebuilt the same
/// way before they are replayed, or its replayed collections find other garbage than the original's did.
/// </summary>
public sealed class UntranscribedStateTests
{
    private static KernelConfig Config() => new()
    {
        Bundles = new VatBundleRegistry().RegisterVat<CounterVatCode>("counter").RegisterVat<CallerVatCode>("caller")
            .RegisterVat<BrokenStartVat>("broken"),
        Vats = [new("importer", "counter"), new("caller", "caller")],
        ReapInterval = 1,
    };

    /// <summary>The caller holds the importer's root in memory only; the restart forgets the hold and every transcript.</summary>
    private static async Task<StoredKernel> CallerThatHeldAPresence(int maxVatsOnline, bool loadOnDemand = false)
    {
        var k = new StoredKernel(Config(), maxVatsOnline, loadOnDemand);
        await k.Core.RunAsync();
        await k.CallAsync("caller", "hold", k.Core.GetVatInfo("importer").Root);
        await k.RestartAsync(withoutTranscripts: true);
        var clist = k.Port.Host(k.Core.GetVatInfo("caller").VatId).Keeper;
        Assert.Contains(clist.EntriesByVref(), e => e.Vref == "o-50");
        // rebuilt from the vatstore: its bringOutYourDead drops and retires the import nothing in memory holds any more
        Assert.Equal(4L, await k.CallAsync("caller", "localSend"));
        Assert.DoesNotContain(clist.EntriesByVref(), e => e.Vref == "o-50");
        return k;
    }

    private static async Task AssertCallerRunsOn(StoredKernel k)
    {
        var sent = k.Core.QueueToVatRoot("caller", HostValues.Methargs("localSend"));
        await k.Core.RunAsync();
        var id = k.Core.GetVatInfo("caller").VatId;
        Assert.True(k.Core.GetVatInfo("caller").Alive, (await k.Core.DumpAsync()).GetValueOrDefault($"vat.terminationReason.{id}"));
        Assert.Equal(4L, k.Core.GetPromise(sent).Resolution);
        k.Core.ReleasePromise(sent);
        Assert.Null(await k.CallAsync("caller", "held"));
        await Probe.AssertAuditClean(k.Core);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_worker_rebuilt_from_its_vatstore_and_then_evicted_is_rebuilt_by_replay_without_diverging(bool loadOnDemand)
    {
        var k = await CallerThatHeldAPresence(maxVatsOnline: 1, loadOnDemand);
        Assert.Equal(1L, await k.CallAsync("importer", "increment", 1L));   // evicts the caller's worker
        Assert.DoesNotContain(k.Core.GetVatInfo("caller").VatId, k.Port.Online);
        await k.CommitAsync();                                                 // (and lets its host go, loaded on demand)
        await AssertCallerRunsOn(k);
    }

    [Fact]
    public async Task A_worker_rebuilt_from_its_vatstore_is_rebuilt_the_same_way_after_the_next_restart()
    {
        var k = await CallerThatHeldAPresence(maxVatsOnline: int.MaxValue);
        await k.RestartAsync();                      // the transcript since the rebuild is stored; the rebuild is in it
        Assert.Single(k.Transcripts.Items(), i => i.Item.EndsWith(",\"rebuilt\":[\"o-50\"]}", StringComparison.Ordinal));
        await AssertCallerRunsOn(k);
    }

    [Fact]
    public async Task A_worker_rebuilt_from_its_vatstore_whose_upgrade_fails_is_rebuilt_by_replay_without_diverging()
    {
        var k = await CallerThatHeldAPresence(maxVatsOnline: int.MaxValue);
        var upgrade = k.Core.QueueUpgradeVat("caller", "broken", null, "to a version that cannot start");
        await k.Core.RunAsync();                                              // rolled back: the worker that saw it goes
        Assert.Equal(PromiseState.Rejected, k.Core.GetPromise(upgrade).State);
        await AssertCallerRunsOn(k);
    }
}

/// <summary>A vat whose buildRootObject always fails: an upgrade to it fails, and is rolled back.</summary>
public sealed class BrokenStartVat : IVat
{
    public object BuildRootObject(VatPowers powers, object? vatParameters, Baggage baggage) => throw new InvalidOperationException("cannot start");
}
