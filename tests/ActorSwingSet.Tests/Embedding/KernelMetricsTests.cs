using System.Diagnostics.Metrics;
using ActorSwingSet.Tests.Support;
using Xunit;
using static ActorSwingSet.Tests.Support.Probe;

namespace ActorSwingSet.Tests.Embedding;

/// <summary>Kernel stats read as .NET metrics through a <see cref="MeterListener"/>.</summary>
public sealed class KernelMetricsTests() : Akka.TestKit.Xunit2.TestKit("akka.loglevel = WARNING\nactorswingset.kernel.run-slice = 3")
{
    private readonly ProbeLog _log = new();

    /// <summary>The latest value of every instrument of one kernel, keyed by instrument name and its other tag.</summary>
    private static Dictionary<string, long> Read(SwingSetController kernel)
    {
        var path = kernel.Kernel.Path.ToString();
        var seen = new Dictionary<string, long>(StringComparer.Ordinal);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == KernelMetrics.MeterName) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var mine = false;
            var key = instrument.Name;
            foreach (var t in tags)
            {
                if (t.Key == KernelMetrics.KernelTag) mine = (string?)t.Value == path;
                else key += $"[{t.Key}={t.Value}]";
            }
            if (mine) seen[key] = value;
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return seen;
    }

    [Fact]
    public async Task The_instruments_report_the_stats_the_kernel_published_after_its_last_run_slice()
    {
        var kernel = Sys.StartSwingSet(Config(_log, "A", "B"), "metered");
        await kernel.GetStatsAsync(); // the kernel actor is up, and has published its first snapshot
        var before = Read(kernel);
        Assert.Equal(0, before["actorswingset.kernel.cranks"]);
        Assert.Equal(2, before["actorswingset.kernel.queue.length[queue=run]"]); // the two startVats

        await kernel.RunAsync();
        var bRoot = (await kernel.GetVatInfoAsync("B")).Root;
        await kernel.QueueToVatRootAsync("A", Ping(bRoot, 3));
        await kernel.QueueToVatRootAsync("A", "throw");
        await kernel.UpgradeVatAsync("B", "probe-v2:B");
        await kernel.RunAsync(); // many slices of 3 cranks
        var stats = await kernel.GetStatsAsync();
        var seen = Read(kernel);

        Assert.Equal(stats[KernelStat.Cranks], seen["actorswingset.kernel.cranks"]);
        Assert.True(seen["actorswingset.kernel.cranks"] > 3);
        Assert.Equal(stats[KernelStat.DeliverMessage], seen["actorswingset.kernel.deliveries[kind=message]"]);
        Assert.Equal(4, seen["actorswingset.kernel.deliveries[kind=message]"]); // ping and three echoes; the one that threw was rolled back
        Assert.Equal(stats[KernelStat.DeliverStartVat], seen["actorswingset.kernel.deliveries[kind=startVat]"]);
        Assert.Equal(3, seen["actorswingset.kernel.deliveries[kind=startVat]"]); // two static vats and one upgrade
        Assert.Equal(stats[KernelStat.Syscalls], seen["actorswingset.kernel.syscalls"]);
        Assert.Equal(0, seen["actorswingset.kernel.queue.length[queue=run]"]);
        Assert.Equal(0, seen["actorswingset.kernel.queue.length[queue=acceptance]"]);
        Assert.Equal(stats.PromiseCount, seen["actorswingset.kernel.promises"]);
        Assert.Equal(stats[KernelStat.PromisesFulfilled], seen["actorswingset.kernel.promises.settled[outcome=fulfilled]"]);
        Assert.Equal(stats[KernelStat.PromisesRejected], seen["actorswingset.kernel.promises.settled[outcome=rejected]"]);
        Assert.Equal(1, seen["actorswingset.kernel.upgrades[outcome=succeeded]"]);
        Assert.Equal(0, seen["actorswingset.kernel.upgrades[outcome=failed]"]);
        Assert.Equal(1, seen["actorswingset.kernel.vats[state=alive]"]); // A threw and was terminated
        Assert.Equal(1, seen["actorswingset.kernel.vats[state=terminated]"]);
        Assert.Equal(stats.ObjectCount, seen["actorswingset.kernel.objects"]);
        await AssertAuditClean(kernel);

        await kernel.StopAsync();
        Assert.Empty(Read(kernel)); // the meter went with the kernel
    }
}
