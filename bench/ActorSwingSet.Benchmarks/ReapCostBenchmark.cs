using ActorSwingSet.Kernel;
using BenchmarkDotNet.Attributes;

namespace ActorSwingSet.Benchmarks;

/// <summary>
/// What bringOutYourDead costs C# vats: the in-process ping-pong of <see cref="PingPongBenchmark"/> with C# vats,
/// never reaped (0) or reaped every 1,000 deliveries (the default), where each reap of a vat holding presences
/// makes a full .NET collection. Reported per crank.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
[MemoryDiagnoser]
public class ReapCostBenchmark
{
    private KernelCore? _core;

    [Params(0L, 1000L)]
    public long ReapInterval { get; set; }

    [IterationSetup]
    public void Setup()
    {
        var config = LiveslotsPingVat.Config("pinger", "ponger");
        _core = new KernelCore(new InProcessVatPort(config.Bundles), new KernelOptions(config.Bundles, ReapInterval));
        _core.Initialize(config.Vats);
        _core.RunAsync().GetAwaiter().GetResult();
        _core.QueueToVatRoot("pinger", HostValues.Methargs("ping", _core.GetVatInfo("ponger").Root, (long)PingPongBenchmark.Messages));
    }

    [Benchmark(OperationsPerInvoke = 4 * PingPongBenchmark.Messages)]
    public long InProcess() => _core!.RunAsync().GetAwaiter().GetResult();
}
