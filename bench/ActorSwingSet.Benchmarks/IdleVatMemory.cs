using Akka.Actor;

namespace ActorSwingSet.Benchmarks;

/// <summary>
/// Retained memory per idle vat: hosts <c>n</c> started vats (each with its c-list, vatstore and transcript; at most
/// <c>online</c> of them with a worker and an actor) in one ActorSystem and compares the managed heap after a full
/// GC with the kernel before them; also the process's resident memory at the end.
/// </summary>
public static class IdleVatMemory
{
    public static async Task<(long Bytes, double PerVat, long Resident)> MeasureAsync(int n, int online)
    {
        using var system = ActorSystem.Create("memory", $"akka.loglevel = WARNING\nactorswingset.kernel.max-vats-online = {online}");
        var baseline = SwingSetController.Start(system, BenchVat.Config("only"), "baseline");
        await baseline.RunAsync();
        var before = Settle();
        var names = Enumerable.Range(0, n).Select(i => "vat" + i).ToArray();
        var c = SwingSetController.Start(system, BenchVat.Config(names), "many");
        await c.RunAsync();
        var stats = await c.GetStatsAsync();
        if (stats.LiveVats != n) throw new InvalidOperationException($"expected {n} live vats, found {stats.LiveVats}");
        var after = Settle();
        var resident = Environment.WorkingSet;
        GC.KeepAlive(c);
        await system.Terminate();
        return (after - before, (after - before) / (double)n, resident);
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
