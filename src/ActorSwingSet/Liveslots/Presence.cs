using ActorSwingSet.Liveslots;

namespace ActorSwingSet.Vats;

/// <summary>
/// An object imported from another vat. It has no methods of its own: use <see cref="Eventual.E"/> to send it
/// messages. Within one incarnation each import has exactly one presence, so presences compare by reference.
/// </summary>
public sealed class Presence
{
    internal Presence(ExportTable owner, string vref, string? iface)
    {
        Owner = owner;
        Vref = vref;
        Interface = iface;
    }

    /// <summary>The export table of the vat that imported it.</summary>
    internal ExportTable Owner { get; }

    /// <summary>The vat's own reference for it (<c>o-N</c>).</summary>
    public string Vref { get; }

    /// <summary>The interface name the exporter gave it (<c>Alleged: Counter</c>), when known.</summary>
    public string? Interface { get; internal set; }

    /// <summary><c>[Presence name]</c> with the interface name the exporter gave, or its vref when it gave none.</summary>
    public override string ToString() => $"[Presence {Interface ?? Vref}]";
}
