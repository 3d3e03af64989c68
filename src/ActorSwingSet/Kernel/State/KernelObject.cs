namespace ActorSwingSet.Kernel.State;

/// <summary>
/// One object-table row. <see cref="Reachable"/> and <see cref="Recognizable"/> count importers' c-list entries and
/// kernel-held references (queued messages, resolution data, host pins); the owner's export entry never counts.
/// <see cref="OwnerReachable"/> and <see cref="Importers"/> mirror the owning and importing vats' c-list entries,
/// kept current from the c-list changes the vat actors report, so end-of-crank GC needs no round trip.
/// </summary>
internal sealed class KernelObject
{
    public string? Owner;
    public long Reachable;
    public long Recognizable;
    public bool OwnerReachable;
    public SortedSet<string> Importers = new(StringComparer.Ordinal);

    public KernelObject Clone() => new()
    {
        Owner = Owner,
        Reachable = Reachable,
        Recognizable = Recognizable,
        OwnerReachable = OwnerReachable,
        Importers = new SortedSet<string>(Importers, StringComparer.Ordinal),
    };
}
