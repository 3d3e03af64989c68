using ActorSwingSet.Kernel;
using BenchmarkDotNet.Attributes;

namespace ActorSwingSet.Benchmarks;

/// <summary>
/// The upgrade-vat crank alone for a vat that decides <see cref="Promises"/> unresolved promises held (and
/// subscribed to) by another vat, with <see cref="Unrelated"/> more unresolved promises elsewhere in the table.
/// The cost must grow with the vat's own promises and not with the rest of the table.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class UpgradeBenchmark
{
    [Params(1_000, 10_000, 100_000)]
    public int Promises;

    [Params(0, 100_000)]
    public int Unrelated;

    private KernelCore? _core;

    [IterationSetup]
    public void Setup()
    {
        var config = BenchVat.Config("decider", "holder", "bystander", "bystanderHolder");
        _core = new KernelCore(new InProcessVatPort(config.Bundles), new KernelOptions(config.Bundles, 0));
        _core.Initialize(config.Vats);
        _core.RunAsync().GetAwaiter().GetResult();
        _core.QueueToVatRoot("decider", BenchVat.Call("make", _core.GetVatInfo("holder").Root, Promises));
        if (Unrelated > 0)
            _core.QueueToVatRoot("bystander", BenchVat.Call("make", _core.GetVatInfo("bystanderHolder").Root, Unrelated));
        _core.RunAsync().GetAwaiter().GetResult();
        _core.QueueUpgradeVat("decider", "bench-v2", null, "benchmark upgrade");
        // the upgrade-vat event is now the only queued work
    }

    [Benchmark]
    public bool UpgradeCrank()
    {
        var ran = _core!.StepAsync().GetAwaiter().GetResult();
        if (_core.Keeper.Stat(KernelStat.UpgradesSucceeded) != 1) throw new InvalidOperationException("the upgrade did not succeed");
        return ran;
    }
}
