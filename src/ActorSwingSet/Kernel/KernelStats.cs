namespace ActorSwingSet;

/// <summary>Kernel counters (since the kernel was built) and current sizes.</summary>
/// <param name="Counters">Every counter the kernel keeps, by name; read one with the indexer.</param>
/// <param name="CrankNumber">The crank counter: cranks run since the kernel's state began (a restart from storage keeps counting).</param>
/// <param name="RunQueueLength">Deliveries waiting in the run-queue.</param>
/// <param name="AcceptanceQueueLength">Sends waiting in the acceptance queue to be routed.</param>
/// <param name="PromiseCount">Promises in the promise table (settled ones included until their last reference goes).</param>
/// <param name="ObjectCount">Objects in the object table.</param>
/// <param name="LiveVats">Vats that are running.</param>
/// <param name="TerminatedVats">Vats that were terminated.</param>
/// <param name="GcActions">GC actions (dropExports, retireExports, retireImports) waiting to be delivered.</param>
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
