namespace ActorSwingSet.Schema;

/// <summary>
/// The kernel's lists, each stored under its own key or keys (see <see cref="KvKeys"/>): a block rewrites the lists
/// a crank touched, in this order.
/// </summary>
internal enum KernelList
{
    /// <summary><c>vat.names</c>.</summary>
    Names,
    /// <summary><c>vat.dynamicIDs</c>.</summary>
    Dynamic,
    /// <summary><c>vats.terminated</c>.</summary>
    Terminated,
    /// <summary><c>vat.terminationReason.vN</c>, one per terminated vat.</summary>
    Reasons,
    /// <summary><c>kernel.hostRefs</c>.</summary>
    Host,
    /// <summary><c>kernel.durableHolds</c>.</summary>
    DurableHolds,
    /// <summary><c>gcActions</c>.</summary>
    Gc,
    /// <summary><c>reapQueue</c>.</summary>
    Reap,
    /// <summary><c>pinnedObjects</c>.</summary>
    Pinned,
    /// <summary><c>upgradeEvents</c>.</summary>
    UpgradeEvents,
}
