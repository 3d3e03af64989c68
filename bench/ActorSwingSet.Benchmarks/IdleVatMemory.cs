using Akka.Actor;

namespace ActorSwingSet.Benchmarks;

/// <summary>
/// Retained memory per idle vat: hosts <c>n</c> started vats (each with its c-list, vatstore and transcript; at most
/// <c>online</c> of them with a worker and an actor) in one ActorSystem and compares the managed heap after a full
/// GC with the kernel before them; also the process's resident memory at the end.
/// </summary>
public static class IdleVatMemory
{
    public static async Task<(long Bytes, double PerVat, long Resident)> MeasureAsync(int n, int online, bool sqlite)
    {
        var db = Path.Combine(Path.GetTempPath(), $"idle-vats-{Environment.ProcessId}.db");
        var config = Akka.Configuration.ConfigurationFactory.ParseString(
            $"akka.loglevel = WARNING\nactorswingset.kernel.max-vats-online = {online}\nactorswingset.persistence.commit-every-cranks = 10000");
        // with SQLite the vats are committed as they start, in blocks of 10,000 cranks, as a long-running host would
        using var system = ActorSystem.Create("memory", sqlite ? config.WithFallback(SqliteStorage.Config(db)) : config);
        if (!sqlite)
        {
            // one persistence ID per system: with SQLite the baseline is the system without a kernel
            var baseline = SwingSetController.Start(system, BenchVat.Config("only"), "baseline");
            await baseline.RunAsync();
        }
        var before = Settle();
        var names = Enumerable.Range(0, n).Select(i => "vat" + i).ToArray();
        var c = SwingSetController.Start(system, BenchVat.Config(names), "many");
        await c.RunAsync();
        if (sqlite) await c.CommitAsync();
        var stats = await c.GetStatsAsync();
        if (stats.LiveVats != n) throw new InvalidOperationException($"expected {n} live vats, found {stats.LiveVats}");
        var after = Settle();
        var resident = Environment.WorkingSet;
        GC.KeepAlive(c);
        await system.Terminate();
        foreach (var f in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(db) + "*")) File.Delete(f);
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
