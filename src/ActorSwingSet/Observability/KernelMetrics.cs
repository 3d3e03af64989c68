using System.Diagnostics.Metrics;
using ActorSwingSet.Kernel;

namespace ActorSwingSet;

/// <summary>
/// A kernel's stats as .NET metrics (<see cref="System.Diagnostics.Metrics"/>): each kernel actor owns a
/// <see cref="Meter"/> named <see cref="MeterName"/> whose observable instruments read the last snapshot of
/// <see cref="KernelStats"/> the kernel actor published (when it starts, after each run slice and after each commit).
/// Reading never touches the kernel: the actor swaps in a new immutable snapshot, with no lock, and nothing here is
/// consulted for a kernel decision. Every measurement carries the tag <see cref="KernelTag"/> (the kernel actor's
/// path), so several kernels in one process stay apart. The meter is disposed when the kernel actor stops.
/// </summary>
/// <remarks>
/// Instruments (counters count since the kernel's state began, across restarts; gauges are current sizes):
/// <c>actorswingset.kernel.cranks</c> (counter); <c>actorswingset.kernel.deliveries</c> (counter, tag <c>kind</c>:
/// message, notify, dropExports, retireExports, retireImports, bringOutYourDead, startVat);
/// <c>actorswingset.kernel.syscalls</c> and <c>actorswingset.kernel.syscalls.illegal</c> (counters);
/// <c>actorswingset.kernel.queue.length</c> (gauge, tag <c>queue</c>: run, acceptance, gc-actions);
/// <c>actorswingset.kernel.promises</c> (gauge); <c>actorswingset.kernel.promises.created</c> and
/// <c>actorswingset.kernel.promises.settled</c> (counters, the latter with tag <c>outcome</c>: fulfilled, rejected);
/// <c>actorswingset.kernel.objects</c> (gauge); <c>actorswingset.kernel.upgrades</c> (counter, tag <c>outcome</c>:
/// succeeded, failed); <c>actorswingset.kernel.vats</c> (gauge, tag <c>state</c>: alive, terminated).
/// </remarks>
public sealed class KernelMetrics : IDisposable, IKernelStatsSink
{
    /// <summary>The name of every kernel's meter (what to pass to OpenTelemetry's <c>AddMeter</c>).</summary>
    public const string MeterName = "ActorSwingSet.Kernel";

    /// <summary>The tag naming the kernel (its actor's path) on every measurement.</summary>
    public const string KernelTag = "actorswingset.kernel";

    private static readonly (string Kind, KernelStat Stat)[] DeliveryKinds =
    [
        ("message", KernelStat.DeliverMessage),
        ("notify", KernelStat.DeliverNotify),
        ("dropExports", KernelStat.DeliverDropExports),
        ("retireExports", KernelStat.DeliverRetireExports),
        ("retireImports", KernelStat.DeliverRetireImports),
        ("bringOutYourDead", KernelStat.DeliverBringOutYourDead),
        ("startVat", KernelStat.DeliverStartVat),
    ];

    private readonly Meter _meter = new(MeterName);
    private readonly KeyValuePair<string, object?> _kernel;
    private KernelStats? _snapshot;

    internal KernelMetrics(string kernel)
    {
        _kernel = new(KernelTag, kernel);
        _meter.CreateObservableCounter("actorswingset.kernel.cranks", () => One(s => s[KernelStat.Cranks]), "{crank}", "Cranks run");
        _meter.CreateObservableCounter("actorswingset.kernel.deliveries",
            () => Each(DeliveryKinds.Select(d => ("kind", d.Kind, (Func<KernelStats, long>)(s => s[d.Stat])))), "{delivery}", "Deliveries to vats, by kind");
        _meter.CreateObservableCounter("actorswingset.kernel.syscalls", () => One(s => s[KernelStat.Syscalls]),
            "{syscall}", "Syscalls the kernel performed (vatstore access, answered by the vat itself, is not counted)");
        _meter.CreateObservableCounter("actorswingset.kernel.syscalls.illegal", () => One(s => s[KernelStat.IllegalSyscalls]),
            "{syscall}", "Syscalls refused as illegal (each terminates its vat)");
        _meter.CreateObservableGauge("actorswingset.kernel.queue.length", () => Each(
        [
            ("queue", "run", s => s.RunQueueLength),
            ("queue", "acceptance", s => s.AcceptanceQueueLength),
            ("queue", "gc-actions", s => s.GcActions),
        ]), "{event}", "Events waiting in the kernel's queues");
        _meter.CreateObservableGauge("actorswingset.kernel.promises", () => One(s => s.PromiseCount), "{promise}", "Promises in the promise table");
        _meter.CreateObservableCounter("actorswingset.kernel.promises.created", () => One(s => s[KernelStat.PromisesCreated]), "{promise}", "Promises created");
        _meter.CreateObservableCounter("actorswingset.kernel.promises.settled", () => Each(
        [
            ("outcome", "fulfilled", s => s[KernelStat.PromisesFulfilled]),
            ("outcome", "rejected", s => s[KernelStat.PromisesRejected]),
        ]), "{promise}", "Promises settled, by outcome");
        _meter.CreateObservableGauge("actorswingset.kernel.objects", () => One(s => s.ObjectCount), "{object}", "Objects in the object table");
        _meter.CreateObservableCounter("actorswingset.kernel.upgrades", () => Each(
        [
            ("outcome", "succeeded", s => s[KernelStat.UpgradesSucceeded]),
            ("outcome", "failed", s => s[KernelStat.UpgradesFailed]),
        ]), "{upgrade}", "Vat upgrades, by outcome");
        _meter.CreateObservableGauge("actorswingset.kernel.vats", () => Each(
        [
            ("state", "alive", s => s.LiveVats),
            ("state", "terminated", s => s.TerminatedVats),
        ]), "{vat}", "Vats, alive or terminated");
    }

    /// <summary>Makes <paramref name="stats"/> what the instruments report from now on (the kernel actor calls this).</summary>
    void IKernelStatsSink.Publish(KernelStats stats) => Volatile.Write(ref _snapshot, stats);

    private IEnumerable<Measurement<long>> One(Func<KernelStats, long> read) =>
        Volatile.Read(ref _snapshot) is { } s ? [new Measurement<long>(read(s), _kernel)] : [];

    private IEnumerable<Measurement<long>> Each(IEnumerable<(string Tag, string Value, Func<KernelStats, long> Read)> parts)
    {
        if (Volatile.Read(ref _snapshot) is not { } s) return [];
        return [.. parts.Select(p => new Measurement<long>(p.Read(s), _kernel, new KeyValuePair<string, object?>(p.Tag, p.Value)))];
    }

    /// <summary>Withdraws the instruments (the kernel actor stopped).</summary>
    public void Dispose() => _meter.Dispose();
}
