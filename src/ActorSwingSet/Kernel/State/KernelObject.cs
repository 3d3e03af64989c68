namespace ActorSwingSet.Kernel.State;

/// <summary>
/// One object-table row as the keeper hands it out: read-only (only <see cref="KernelKeeper"/> changes rows, and it
/// journals each change per crank). <see cref="Reachable"/> and <see cref="Recognizable"/> count importers' c-list
/// entries and kernel-held references (queued messages, resolution data, host pins); the owner's export entry never
/// counts. <see cref="OwnerReachable"/> and <see cref="Importers"/> mirror the owning and importing vats' c-list
/// entries, kept current from the c-list changes the vat actors report, so end-of-crank GC needs no round trip.
/// </summary>
internal interface IKernelObject
{
    /// <summary>The exporting vat; null once the object is orphaned.</summary>
    string? Owner { get; }
    /// <summary>Reachable references from importers and the kernel.</summary>
    long Reachable { get; }
    /// <summary>Recognizable references from importers and the kernel (at least <see cref="Reachable"/>).</summary>
    long Recognizable { get; }
    /// <summary>Whether the owner's export entry is still reachable (not yet dropped).</summary>
    bool OwnerReachable { get; }
    /// <summary>The vats whose c-lists import the object, in ID text order.</summary>
    ReadOnlySortedSet<string> Importers { get; }
}
