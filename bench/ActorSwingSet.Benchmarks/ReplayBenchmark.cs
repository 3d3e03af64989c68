using ActorSwingSet.Kernel;
using ActorSwingSet.Vat.Messages;
using BenchmarkDotNet.Attributes;

namespace ActorSwingSet.Benchmarks;

/// <summary>
/// Replay speed: a C# vat (<see cref="LiveslotsPingVat"/>'s ponger) with a transcript of <see cref="Deliveries"/>
/// echo deliveries has its worker evicted, and one more message makes the kernel rebuild it by replaying the whole
/// transcript. Reported per replayed delivery, so 1/Mean is deliveries replayed per second.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
[MemoryDiagnoser]
public class ReplayBenchmark
{
    public const int Deliveries = 100_000;
    private InProcessVatPort? _port;
    private KernelCore? _core;
    private string _ponger = "";

    [GlobalSetup]
    public void Setup()
    {
        var config = LiveslotsPingVat.Config("pinger", "ponger");
        _port = new InProcessVatPort(config.Bundles);
        _core = new KernelCore(_port, new KernelOptions(config.Bundles, 0));
        _core.Initialize(config.Vats);
        _core.RunAsync().GetAwaiter().GetResult();
        _ponger = _core.GetVatInfo("ponger").VatId;
        _core.QueueToVatRoot("pinger", HostValues.Methargs("ping", _core.GetVatInfo("ponger").Root, (long)Deliveries - 1));
        _core.RunAsync().GetAwaiter().GetResult();
        var end = _port.Host(_ponger).TranscriptEnd;
        if (end != Deliveries) throw new InvalidOperationException($"the ponger's transcript has {end} deliveries, not {Deliveries}");
    }

    [IterationSetup]
    public void Evict() => _port!.Host(_ponger).Handle(new EvictWorker(_core!.Keeper.CrankNumber + 1));

    [Benchmark(OperationsPerInvoke = Deliveries)]
    public long Replay()
    {
        var kp = _core!.QueueToVatRoot("ponger", HostValues.Methargs("echo", 1L));
        _core.RunAsync().GetAwaiter().GetResult();
        if (_core.GetPromise(kp).State != PromiseState.Fulfilled) throw new InvalidOperationException("the rebuilt ponger did not answer");
        _core.ReleasePromise(kp);
        return _port!.Host(_ponger).TranscriptEnd;
    }
}
