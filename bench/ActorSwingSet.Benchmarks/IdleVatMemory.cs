using Akka.Actor;
using ActorSwingSet.Controller;

namespace ActorSwingSet.Benchmarks;

/// <summary>
/// Retained memory per idle vat: hosts <c>n</c> started vats (each a vat actor with its c-list, vatstore and
/// code instance) in one ActorSystem and compares the managed heap after a full GC with the kernel before them.
/// </summary>
public static class IdleVatMemory
{
    public static async Task<(long Bytes, double PerVat)> MeasureAsync(int n)
    {
        using var system = ActorSystem.Create("memory", "akka.loglevel = WARNING");
        var baseline = SwingSetController.Start(system, BenchVat.Config("only"), "baseline");
        await baseline.RunAsync();
        var before = Settle();
        var names = Enumerable.Range(0, n).Select(i => "vat" + i).ToArray();
        var c = SwingSetController.Start(system, BenchVat.Config(names), "many");
        await c.RunAsync();
        var stats = await c.GetStatsAsync();
        if (stats.LiveVats != n) throw new InvalidOperationException($"expected {n} live vats, found {stats.LiveVats}");
        var after = Settle();
        GC.KeepAlive(c);
        await system.Terminate();
        return (after - before, (after - before) / (double)n);
    }

    private static long Settle()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
