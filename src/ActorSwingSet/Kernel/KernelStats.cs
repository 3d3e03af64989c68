namespace ActorSwingSet;

/// <summary>Kernel counters (since the kernel was built) and current sizes.</summary>
public sealed record KernelStats(
    IReadOnlyDictionary<KernelStat, long> Counters,
    long CrankNumber,
    long RunQueueLength,
    long AcceptanceQueueLength,
    long PromiseCount,
    long ObjectCount,
    long LiveVats,
    long TerminatedVats,
    long GcActions)
{
    /// <summary>One counter (0 if it is missing from <see cref="Counters"/>).</summary>
    public long this[KernelStat s] => Counters.TryGetValue(s, out var v) ? v : 0;

    /// <summary>Deliveries made to vats, of every kind: messages, notifies, GC, bringOutYourDead and startVat.</summary>
    public long Deliveries =>
        this[KernelStat.DeliverMessage] + this[KernelStat.DeliverNotify] + this[KernelStat.DeliverDropExports]
        + this[KernelStat.DeliverRetireExports] + this[KernelStat.DeliverRetireImports]
        + this[KernelStat.DeliverBringOutYourDead] + this[KernelStat.DeliverStartVat];
}
