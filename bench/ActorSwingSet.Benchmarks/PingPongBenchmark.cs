using Akka.Actor;
using ActorSwingSet.Kernel;
using BenchmarkDotNet.Attributes;

namespace ActorSwingSet.Benchmarks;

/// <summary>
/// Two-vat ping-pong of <see cref="Messages"/> messages, in memory: four cranks per message (send routing and
/// delivery, notify routing and delivery). Reported per crank (OperationsPerInvoke), so 1/Mean is cranks/s.
/// "Actors" is the real kernel actor with one actor per vat; "InProcess" runs the same crank engine and vat logic
/// without message hops, to show what the actor hop costs. <see cref="Layer"/> picks the vats: "raw" ones
/// (<see cref="BenchVat"/>, written against the raw-vat API) or "liveslots" ones (<see cref="LiveslotsPingVat"/>,
/// C# vats), which make the same syscalls, so the difference is the C# vat layer's cost per delivery.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
[MemoryDiagnoser]
public class PingPongBenchmark
{
    public const int Messages = 100_000;
    private ActorSystem? _system;
    private SwingSetController? _controller;
    private KernelCore? _core;

    [Params("raw", "liveslots")]
    public string Layer { get; set; } = "raw";

    private KernelConfig Config() => Layer == "raw" ? BenchVat.Config("pinger", "ponger") : LiveslotsPingVat.Config("pinger", "ponger");

    [IterationSetup(Target = nameof(Actors))]
    public void SetupActors()
    {
        _system = ActorSystem.Create("bench", "akka.loglevel = WARNING");
        _controller = SwingSetController.Start(_system, Config());
        _controller.RunAsync().GetAwaiter().GetResult();
        var ponger = _controller.GetVatInfoAsync("ponger").GetAwaiter().GetResult().Root;
        _controller.QueueToVatRootAsync("pinger", HostValues.Methargs("ping", ponger, (long)Messages)).GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = 4 * Messages)]
    public long Actors() => _controller!.RunAsync().GetAwaiter().GetResult();

    [IterationCleanup(Target = nameof(Actors))]
    public void CleanupActors() => _system!.Terminate().Wait();

    [IterationSetup(Target = nameof(InProcess))]
    public void SetupInProcess()
    {
        var config = Config();
        _core = new KernelCore(new InProcessVatPort(config.Bundles), new KernelOptions(config.Bundles, 0));
        _core.Initialize(config.Vats);
        _core.RunAsync().GetAwaiter().GetResult();
        _core.QueueToVatRoot("pinger", HostValues.Methargs("ping", _core.GetVatInfo("ponger").Root, (long)Messages));
    }

    [Benchmark(OperationsPerInvoke = 4 * Messages)]
    public long InProcess() => _core!.RunAsync().GetAwaiter().GetResult();
}
