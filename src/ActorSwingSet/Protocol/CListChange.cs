namespace ActorSwingSet.Protocol;

/// <summary>What happened to one c-list entry during translation.</summary>
internal enum CListChangeKind : byte
{
    /// <summary>A new entry (not yet reachable; a <see cref="Reachable"/> change follows when it is).</summary>
    Added,
    /// <summary>The entry's reachable flag was set.</summary>
    Reachable,
    /// <summary>The entry's reachable flag was cleared.</summary>
    Unreachable,
    /// <summary>The entry was deleted (its reachable flag was cleared first).</summary>
    Removed,
}

/// <summary>
/// One c-list change, reported by the vat actor that made it so the kernel can keep its reference counts.
/// <see cref="IsExport"/> is true when the vat allocated the vref (<c>o+</c>, <c>p+</c>).
/// </summary>
internal readonly record struct CListChange(CListChangeKind Kind, Kref Kref, string Vref, bool IsExport);
