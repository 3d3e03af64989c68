using Akka.Actor;
using ActorSwingSet.Controller;
using ActorSwingSet.Kernel;
using ActorSwingSet.Liveslots;
using ActorSwingSet.Vat;
using BenchmarkDotNet.Attributes;
using static ActorSwingSet.Liveslots.Eventual;

namespace ActorSwingSet.Benchmarks;

/// <summary>
/// The ping-pong of <see cref="PingPongBenchmark"/> written as C# vats (the liveslots layer) instead of raw vats:
/// the same syscalls per message (send with a result, subscribe, resolve, notify), so the difference from the raw
/// figures is the layer's cost per delivery: method dispatch, marshalling, the promise table and the turn queue.
/// Reported per crank (four per message).
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
[MemoryDiagnoser]
public class LiveslotsPingPongBenchmark
{
    public const int Messages = 100_000;
    private ActorSystem? _system;
    private SwingSetController? _controller;
    private KernelCore? _core;

    private static KernelConfig Config() => new()
    {
        Bundles = new VatBundleRegistry().RegisterVat<PingVat>("ping"),
        Vats = [new("pinger", "ping"), new("ponger", "ping")],
        ReapInterval = 0,
    };

    [IterationSetup(Target = nameof(Actors))]
    public void SetupActors()
    {
        _system = ActorSystem.Create("bench", "akka.loglevel = WARNING");
        _controller = SwingSetController.Start(_system, Config());
        _controller.RunAsync().GetAwaiter().GetResult();
        var ponger = _controller.GetVatInfoAsync("ponger").GetAwaiter().GetResult().Root;
        _controller.QueueToVatRootAsync("pinger", "ping", ponger, (long)Messages).GetAwaiter().GetResult();
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
        _core.QueueToVatRoot("pinger", ActorSwingSet.Marshal.HostValues.Methargs("ping", _core.GetVatInfo("ponger").Root, (long)Messages));
    }

    [Benchmark(OperationsPerInvoke = 4 * Messages)]
    public long InProcess() => _core!.RunAsync().GetAwaiter().GetResult();

    public sealed class PingVat : IVat
    {
        public object BuildRootObject(VatPowers powers, object? vatParameters, Baggage baggage) => new Pinger();
    }

    [Far("pinger")]
    public sealed class Pinger
    {
        /// <summary>Sends n echoes at once; each result promise is subscribed to (and settled by a notify).</summary>
        public void Ping(Presence target, long n)
        {
            for (long i = 0; i < n; i++) _ = E(target).Call("echo", i);
        }

        public long Echo(long i) => i;
    }
}
