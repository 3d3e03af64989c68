namespace ActorSwingSet.Schema;

/// <summary>What a GC action tells its vat, in the order the kernel processes them for one vat.</summary>
internal enum GcActionKind
{
    /// <summary><c>dropExport</c>: the vat's export is no longer reachable from anywhere else.</summary>
    DropExport,
    /// <summary><c>retireExport</c>: the vat's export is no longer recognizable either; the kernel deletes it.</summary>
    RetireExport,
    /// <summary><c>retireImport</c>: the object the vat imports is gone; the vat may forget its entry.</summary>
    RetireImport,
}

/// <summary>
/// One entry of the kernel's <c>gcActions</c> set: <see cref="VatId"/> is to be told <see cref="Kind"/> about the
/// object <see cref="Kref"/>. Stored as SwingSet spells it, "vN dropExport koN"; <see cref="ToString"/> and
/// <see cref="TryParse"/> are the only places that spelling is written and read.
/// </summary>
internal readonly record struct GcAction(string VatId, GcActionKind Kind, Kref Kref) : IComparable<GcAction>
{
    /// <summary>The stored spelling: vat, kind and kref separated by single spaces.</summary>
    public override string ToString() => VatId + " " + KindText(Kind) + " " + Kref;

    /// <summary>
    /// Orders as the stored spellings order (ordinal text), so the stored set keeps SwingSet's order: a space sorts
    /// before every character of a vat ID, a kind or a kref, and the kinds' texts sort in the enum's order.
    /// </summary>
    public int CompareTo(GcAction other)
    {
        var byVat = string.CompareOrdinal(VatId, other.VatId);
        if (byVat != 0) return byVat;
        return Kind != other.Kind ? Kind.CompareTo(other.Kind) : Kref.CompareTo(other.Kref);
    }

    /// <summary>Reads a stored action; throws <see cref="FormatException"/> naming it when it is not one.</summary>
    public static GcAction Parse(string stored) =>
        TryParse(stored, out var action) ? action : throw new FormatException(NotAnAction(stored));

    /// <summary>The one-line complaint about a stored entry that is not a GC action.</summary>
    public static string NotAnAction(string stored) =>
        $"{KvKeys.GcActions} holds '{stored}', which is not 'vN dropExport|retireExport|retireImport koN'";

    /// <summary>Reads a stored action: a vat ID, a kind and an object kref, separated by single spaces; false otherwise.</summary>
    public static bool TryParse(string? stored, out GcAction action)
    {
        action = default;
        var parts = stored?.Split(' ');
        if (parts is not { Length: 3 } || !References.VatId.IsValid(parts[0]) || !Kref.TryParse(parts[2], out var kref) || !kref.IsObject) return false;
        GcActionKind kind;
        switch (parts[1])
        {
            case "dropExport": kind = GcActionKind.DropExport; break;
            case "retireExport": kind = GcActionKind.RetireExport; break;
            case "retireImport": kind = GcActionKind.RetireImport; break;
            default: return false;
        }
        action = new GcAction(parts[0], kind, kref);
        return true;
    }

    private static string KindText(GcActionKind kind) => kind switch
    {
        GcActionKind.DropExport => "dropExport",
        GcActionKind.RetireExport => "retireExport",
        _ => "retireImport",
    };
}
