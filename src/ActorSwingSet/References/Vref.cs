namespace ActorSwingSet.References;

/// <summary>The kind of thing a vat reference names.</summary>
internal enum VrefKind : byte
{
    /// <summary><c>o</c>: an object.</summary>
    Object,
    /// <summary><c>p</c>: a promise.</summary>
    Promise,
    /// <summary><c>d</c>: a device node.</summary>
    Device,
}

/// <summary>
/// A parsed vat reference. Vrefs are strings: <c>o+N</c> (ephemeral export), <c>o+vN/M</c> (virtual export),
/// <c>o+dN/M</c> (durable export), <c>o-N</c> (import), <c>p+N</c> (vat-allocated promise), <c>p-N</c>
/// (kernel-introduced promise). The vat allocates the <c>+</c> side; its c-list allocates the <c>-</c> side.
/// </summary>
internal readonly record struct VrefInfo(VrefKind Kind, bool AllocatedByVat, bool IsDurable, bool IsVirtual)
{
    /// <summary>Parses any of the vref forms above; false for anything else.</summary>
    public static bool TryParse(string? vref, out VrefInfo info)
    {
        info = default;
        if (vref is null || vref.Length < 3) return false;
        var kind = vref[0] switch
        {
            'o' => VrefKind.Object,
            'p' => VrefKind.Promise,
            'd' => VrefKind.Device,
            _ => (VrefKind)255,
        };
        if ((byte)kind == 255) return false;
        bool allocatedByVat;
        if (vref[1] == '+') allocatedByVat = true;
        else if (vref[1] == '-') allocatedByVat = false;
        else return false;
        var rest = vref.AsSpan(2);
        if (kind == VrefKind.Object && allocatedByVat && rest.Length > 1 && (rest[0] == 'd' || rest[0] == 'v'))
        {
            // o+dKIND/INSTANCE or o+vKIND/INSTANCE (an optional :facet suffix is allowed, as in liveslots)
            var slash = rest.IndexOf('/');
            if (slash < 2) return false;
            if (!NumberText.TryParseNat(rest[1..slash], out _)) return false;
            var instance = rest[(slash + 1)..];
            var colon = instance.IndexOf(':');
            if (colon >= 0)
            {
                if (!NumberText.TryParseNat(instance[(colon + 1)..], out _)) return false;
                instance = instance[..colon];
            }
            if (!NumberText.TryParseNat(instance, out _)) return false;
            info = new VrefInfo(kind, true, rest[0] == 'd', rest[0] == 'v');
            return true;
        }
        if (!NumberText.TryParseNat(rest, out _)) return false;
        info = new VrefInfo(kind, allocatedByVat, false, false);
        return true;
    }

    /// <summary>Parses a vref; throws <see cref="FormatException"/> for anything that is not one.</summary>
    public static VrefInfo Parse(string vref) =>
        TryParse(vref, out var info) ? info : throw new FormatException($"not a vat reference: '{vref}'");

    /// <summary>The vref of the vat's root object, exported when the vat is created.</summary>
    public const string Root = "o+0";

    /// <summary>The vref a c-list allocates for an import: <c>o-N</c>, <c>p-N</c> or <c>d-N</c>.</summary>
    public static string Import(VrefKind kind, long n) =>
        (kind == VrefKind.Promise ? "p-" : kind == VrefKind.Device ? "d-" : "o-") + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
