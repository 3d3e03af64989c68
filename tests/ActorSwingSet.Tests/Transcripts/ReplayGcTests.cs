using ActorSwingSet.Tests.Liveslots;
using ActorSwingSet.Tests.Support;
using Xunit;

namespace ActorSwingSet.Tests.Transcripts;

/// <summary>
/// Garbage collection over replay: liveslots vats that make and drop presences, virtual and durable objects, watch
/// and upgrade, with bringOutYourDead after every delivery or every other one, run with every vat online and with
/// one (so almost every delivery rebuilds its vat's worker by replaying its transcript, bringOutYourDeads included).
/// A replayed collection must find exactly what the original found, so both runs end in the same state.
/// </summary>
public sealed class ReplayGcTests
{
    private static KernelConfig Config(long reapInterval) => new()
    {
        Bundles = new VatBundleRegistry().RegisterVat<UpgradeDriverVat>("bootstrap").RegisterVat<UlrikV1>("ulrik-1")
            .RegisterVat<UlrikV2>("ulrik-2").RegisterVat<CounterVatCode>("counter").RegisterVat<StorageVat>("storage")
            .RegisterVat<CallerVatCode>("caller"),
        Vats = [new("bootstrap", "bootstrap"), new("importer", "counter"), new("storage", "storage"), new("caller", "caller")],
        ReapInterval = reapInterval,
        EnableVatAdmin = true,
    };

    /// <summary>The upgrade scenario with garbage on the side; <paramref name="restarts"/> restarts the kernel between its steps.</summary>
    private static async Task<SortedDictionary<string, string>> Scenario(int maxVatsOnline, long reapInterval, bool restarts)
    {
        var k = new StoredKernel(Config(reapInterval), maxVatsOnline);
        await k.Core.RunAsync();
        async Task Step()
        {
            await k.CommitAsync();
            if (restarts) await k.RestartAsync();
        }

        var admin = k.Core.GetVatInfo("vatAdmin").Root;
        var importer = k.Core.GetVatInfo("importer").Root;
        await k.CallAsync("bootstrap", "buildV1", admin, importer, true);
        await Step();
        var made = k.Core.QueueToVatRoot("importer", HostValues.Methargs("fresh"));
        await k.Core.RunAsync();
        var fresh = Assert.IsType<Kref>(k.Core.GetPromise(made).Resolution);
        k.Core.HoldDurably("fresh", fresh);
        k.Core.ReleasePromise(made);
        await k.CallAsync("caller", "hold", fresh);
        k.Core.ReleaseDurableHold("fresh");
        await k.CallAsync("caller", "callTwice", importer);
        await k.CallAsync("caller", "pipeline", importer);
        await Step();
        await k.CallAsync("caller", "drop");
        await k.CallAsync("storage", "makeGarbage", 3L);
        await k.CallAsync("storage", "makeScratch", "virtual");
        await k.CallAsync("bootstrap", "tryUpgrade", "boom", false);   // fails: the whole crank is rolled back
        await Step();
        await k.CallAsync("bootstrap", "upgradeV2", true, null, false);
        await k.CallAsync("caller", "passPromise", importer);
        await k.CallAsync("storage", "bump");
        await k.CallAsync("caller", "localSend");
        await Step();
        await k.CallAsync("bootstrap", "getVersion");
        await Probe.AssertAuditClean(k.Core);
        await k.CommitAsync();
        // the scenario is worth its time only if collections found something
        var missing = new[] { "\"s\":[\"dropImports\"", "\"s\":[\"retireImports\"", "\"d\":[\"dropExports\"", "\"d\":[\"retireExports\"" }
            .Where(gc => !k.Transcripts.Items().Any(i => i.Item.Contains(gc, StringComparison.Ordinal)));
        Assert.Empty(missing);
        return await k.Core.DumpAsync();
    }

    [Theory]
    [InlineData(2, false)]
    [InlineData(1, true)]
    public async Task With_one_vat_online_replayed_bringOutYourDeads_collect_what_the_originals_did(long reapInterval, bool restarts)
    {
        var all = await Scenario(int.MaxValue, reapInterval, restarts);
        var one = await Scenario(1, reapInterval, restarts);
        var diff = KernelStateDump.Diff(all, one);
        Assert.True(diff.Count == 0, string.Join("\n", diff.Take(20)));
        Assert.DoesNotContain(all.Keys, key => key.StartsWith("vat.terminationReason.", StringComparison.Ordinal));
    }
}
