using System.Globalization;
using ActorSwingSet.References;
using ActorSwingSet.Schema;

namespace ActorSwingSet.Vat.State;

/// <summary>
/// One vat's own state: its c-list (a two-way kref &lt;-&gt; vref map with a reachable flag per entry), its vatstore,
/// its import counters and its incarnation number. Pure state logic; the vat actor owns an instance. Every change
/// is journalled while a crank is open, so the kernel can have the vat undo a crank it aborts.
/// </summary>
internal sealed partial class VatKeeper(string vatId)
{
    public const long FirstImportObjectId = 50;
    public const long FirstImportPromiseId = 60;

    private readonly Dictionary<string, (Kref Kref, bool Reachable)> _byVref = new(StringComparer.Ordinal);
    private readonly Dictionary<Kref, string> _byKref = [];
    private readonly Dictionary<string, string> _vatstore = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _vatstoreKeys = new(StringComparer.Ordinal);
    private List<Action>? _undo;
    private (long O, long P, long Incarnation) _saved;

    public string VatId { get; } = vatId;
    public long NextImportObjectId { get; private set; } = FirstImportObjectId;
    public long NextImportPromiseId { get; private set; } = FirstImportPromiseId;
    public long IncarnationNumber { get; private set; }

    public int CListSize => _byKref.Count;

    public void BeginCrank()
    {
        _undo = [];
        _saved = (NextImportObjectId, NextImportPromiseId, IncarnationNumber);
    }

    public void CommitCrank() => _undo = null;

    public void RollbackCrank()
    {
        if (_undo is null) return;
        for (var i = _undo.Count - 1; i >= 0; i--) _undo[i]();
        (NextImportObjectId, NextImportPromiseId, IncarnationNumber) = _saved;
        _undo = null;
    }

    public void StartNextIncarnation() => IncarnationNumber++;

    // ---- c-list ----

    public bool HasKref(Kref kref) => _byKref.ContainsKey(kref);

    public bool TryGetVref(Kref kref, out string vref) => _byKref.TryGetValue(kref, out vref!);

    public bool TryGetKref(string vref, out Kref kref, out bool reachable)
    {
        if (_byVref.TryGetValue(vref, out var e))
        {
            kref = e.Kref;
            reachable = e.Reachable;
            return true;
        }
        kref = default;
        reachable = false;
        return false;
    }

    public bool IsReachable(Kref kref) => _byKref.TryGetValue(kref, out var vref) && _byVref[vref].Reachable;

    /// <summary>Adds an entry (unreachable at first) and reports it.</summary>
    public void AddEntry(Kref kref, string vref, bool isExport, List<VatEffect> effects)
    {
        VrefChanged(vref, kref);
        _byVref.Add(vref, (kref, false));
        _byKref.Add(kref, vref);
        _undo?.Add(() =>
        {
            _byVref.Remove(vref);
            _byKref.Remove(kref);
        });
        effects.Add(VatEffect.Of(new CListChange(CListChangeKind.Added, kref, vref, isExport)));
    }

    public void SetReachable(Kref kref, bool reachable, List<VatEffect> effects)
    {
        var vref = _byKref[kref];
        var entry = _byVref[vref];
        if (entry.Reachable == reachable) return;
        VrefChanged(vref, kref);
        _byVref[vref] = (kref, reachable);
        _undo?.Add(() => _byVref[vref] = entry);
        var isExport = VrefInfo.Parse(vref).AllocatedByVat;
        effects.Add(VatEffect.Of(new CListChange(reachable ? CListChangeKind.Reachable : CListChangeKind.Unreachable, kref, vref, isExport)));
    }

    /// <summary>Deletes an entry, clearing its reachable flag first (two changes, as SwingSet decrements).</summary>
    public void DeleteEntry(Kref kref, List<VatEffect> effects)
    {
        var vref = _byKref[kref];
        SetReachable(kref, false, effects);
        VrefChanged(vref, kref);
        var entry = _byVref[vref];
        _byVref.Remove(vref);
        _byKref.Remove(kref);
        _undo?.Add(() =>
        {
            _byVref[vref] = entry;
            _byKref[kref] = vref;
        });
        effects.Add(VatEffect.Of(new CListChange(CListChangeKind.Removed, kref, vref, VrefInfo.Parse(vref).AllocatedByVat)));
    }

    public string AllocateImportVref(VrefKind kind)
    {
        var n = kind == VrefKind.Promise ? NextImportPromiseId++ : NextImportObjectId++;
        return VrefInfo.Import(kind, n);
    }

    /// <summary>The c-list entries in the order SwingSet's kvStore holds <c>vN.c.VREF</c> keys (ordinal by vref).</summary>
    public IReadOnlyList<(string Vref, Kref Kref, bool Reachable)> EntriesByVref()
    {
        var list = new List<(string, Kref, bool)>(_byVref.Count);
        foreach (var (vref, e) in _byVref) list.Add((vref, e.Kref, e.Reachable));
        list.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return list;
    }

    /// <summary>The promise part of the c-list (<c>p+</c>/<c>p-</c> vrefs), in vref key order.</summary>
    public IReadOnlyList<(string Vref, Kref Kref)> PromiseEntriesByVref()
    {
        var list = new List<(string, Kref)>();
        foreach (var (vref, e) in _byVref) if (vref[0] == 'p') list.Add((vref, e.Kref));
        list.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return list;
    }

    // ---- vatstore ----

    public string? VatstoreGet(string key) => _vatstore.GetValueOrDefault(key);

    public void VatstoreSet(string key, string value)
    {
        var had = _vatstore.TryGetValue(key, out var old);
        VatstoreChanged(key);
        _vatstore[key] = value;
        if (!had) _vatstoreKeys.Add(key);
        _undo?.Add(() =>
        {
            if (had)
            {
                _vatstore[key] = old!;
            }
            else
            {
                _vatstore.Remove(key);
                _vatstoreKeys.Remove(key);
            }
        });
    }

    public void VatstoreDelete(string key)
    {
        if (!_vatstore.Remove(key, out var old)) return;
        VatstoreChanged(key);
        _vatstoreKeys.Remove(key);
        _undo?.Add(() =>
        {
            _vatstore[key] = old;
            _vatstoreKeys.Add(key);
        });
    }

    public string? VatstoreGetNextKey(string priorKey)
    {
        if (_vatstoreKeys.Count == 0 || string.CompareOrdinal(_vatstoreKeys.Max, priorKey) <= 0) return null;
        foreach (var k in _vatstoreKeys.GetViewBetween(priorKey, _vatstoreKeys.Max!))
            if (string.CompareOrdinal(k, priorKey) > 0) return k;
        return null;
    }

    public int VatstoreSize => _vatstore.Count;

    /// <summary>The vat's part of the kernel-state dump, in SwingSet's key schema.</summary>
    public IEnumerable<KeyValuePair<string, string>> Dump()
    {
        foreach (var (vref, e) in _byVref)
        {
            yield return new(KvKeys.CList(VatId, vref), e.Kref.ToString());
            yield return new(KvKeys.CList(VatId, e.Kref), KvKeys.CListKrefValue(e.Reachable, vref));
        }
        foreach (var k in _vatstoreKeys) yield return new(KvKeys.Vatstore(VatId, k), _vatstore[k]);
        yield return new(KvKeys.NextImportObjectId(VatId), NextImportObjectId.ToString(CultureInfo.InvariantCulture));
        yield return new(KvKeys.NextImportPromiseId(VatId), NextImportPromiseId.ToString(CultureInfo.InvariantCulture));
        yield return new(KvKeys.IncarnationNumber(VatId), IncarnationNumber.ToString(CultureInfo.InvariantCulture));
    }
}
