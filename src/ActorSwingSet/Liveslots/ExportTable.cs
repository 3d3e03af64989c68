using System.Globalization;
using System.Runtime.CompilerServices;
using ActorSwingSet.References;
using ActorSwingSet.Vats;

namespace ActorSwingSet.Liveslots;

/// <summary>
/// The vat's side of its c-list in memory: which of its objects have which vrefs, and the presences of its imports.
/// Ephemeral exports (<c>o+N</c>) are held strongly while the kernel can reach them and weakly after
/// <c>dropExports</c>; presences and kind instances are held weakly, so the garbage collector tells
/// bringOutYourDead what the vat no longer uses. Built from the allocator of export numbers; the presences it makes
/// name it as their owner, so a presence of another vat is told apart.
/// </summary>
internal sealed class ExportTable(Func<long> nextExportId)
{
    private readonly ConditionalWeakTable<object, string> _vrefOf = new();
    private readonly Dictionary<string, WeakReference<object>> _ephemeral = new(StringComparer.Ordinal);
    private readonly Dictionary<string, object> _held = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WeakReference<Presence>> _presences = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _interfaces = new(StringComparer.Ordinal);
    private object? _root;

    public void BindRoot(object root)
    {
        if (!IsRemotableType(root)) throw new NotPassableException($"the root object must be remotable: mark {root.GetType().Name} [Far]");
        _root = root;
        _vrefOf.AddOrUpdate(root, VrefInfo.Root);
        _held[VrefInfo.Root] = root;
    }

    public bool HasRoot => _root is not null;

    public bool IsRemotable(object v) => _vrefOf.TryGetValue(v, out _) || IsRemotableType(v);

    private static bool IsRemotableType(object v) => MethodDispatcher.IsFar(v);

    public bool TryGetVref(object v, out string vref) => _vrefOf.TryGetValue(v, out vref!);

    /// <summary>The vref of one of the vat's objects, exporting it as a new <c>o+N</c> the first time.</summary>
    public string VrefFor(object v)
    {
        if (_vrefOf.TryGetValue(v, out var vref))
        {
            if (VrefInfo.Parse(vref) is { IsDurable: false, IsVirtual: false }) _held[vref] = v;
            return vref;
        }
        vref = "o+" + nextExportId().ToString(CultureInfo.InvariantCulture);
        _vrefOf.Add(v, vref);
        _ephemeral[vref] = new WeakReference<object>(v);
        _held[vref] = v;
        return vref;
    }

    public string InterfaceOf(object v) =>
        _vrefOf.TryGetValue(v, out var vref) && _interfaces.TryGetValue(vref, out var iface) ? iface : MethodDispatcher.InterfaceName(v);

    /// <summary>Registers a kind instance's representative (its vref is fixed by the kind).</summary>
    public void AddRepresentative(object rep, string vref, string tag)
    {
        _vrefOf.AddOrUpdate(rep, vref);
        _interfaces[vref] = tag;
    }

    public object? Ephemeral(string vref)
    {
        if (vref == VrefInfo.Root) return _root;
        return _ephemeral.TryGetValue(vref, out var w) && w.TryGetTarget(out var o) ? o : null;
    }

    public Presence PresenceFor(string vref, string? iface)
    {
        if (_presences.TryGetValue(vref, out var w) && w.TryGetTarget(out var p))
        {
            if (p.Interface is null && iface is not null) p.Interface = iface;
            return p;
        }
        p = new Presence(this, vref, iface);
        _presences[vref] = new WeakReference<Presence>(p);
        return p;
    }

    /// <summary>The kernel can no longer reach these exports: hold them weakly only.</summary>
    public void Dropped(string vref)
    {
        if (vref != VrefInfo.Root) _held.Remove(vref);
    }

    /// <summary>The kernel forgot these exports entirely: an object passed again later gets a new vref.</summary>
    public void Retired(string vref)
    {
        _held.Remove(vref);
        if (_ephemeral.Remove(vref, out var w) && w.TryGetTarget(out var o)) _vrefOf.Remove(o);
    }

    /// <summary>Ephemeral exports the kernel dropped and memory no longer holds: they can be retired.</summary>
    public List<string> CollectDroppedEphemerals()
    {
        var dead = new List<string>();
        foreach (var (vref, w) in _ephemeral)
            if (!_held.ContainsKey(vref) && !w.TryGetTarget(out _)) dead.Add(vref);
        foreach (var vref in dead) _ephemeral.Remove(vref);
        dead.Sort(StringComparer.Ordinal);
        return dead;
    }

    /// <summary>Imports with no presence left in memory (candidates to drop, if nothing stored refers to them).</summary>
    public List<string> DeadPresences()
    {
        var dead = new List<string>();
        foreach (var (vref, w) in _presences)
            if (!w.TryGetTarget(out _)) dead.Add(vref);
        return dead;
    }

    /// <summary>Whether anything here is held only weakly (presences, or exports the kernel dropped).</summary>
    public bool HoldsWeakly => _presences.Count > 0 || _ephemeral.Count > _held.Count - (_root is null ? 0 : 1);

    public bool PresenceAlive(string vref) => _presences.TryGetValue(vref, out var w) && w.TryGetTarget(out _);

    public void ForgetPresence(string vref) => _presences.Remove(vref);
}
