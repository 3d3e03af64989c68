using System.Globalization;
using ActorSwingSet.Schema;

namespace ActorSwingSet.Vat.State;

/// <summary>What changed in one vat's state since the last block, as kvStore writes.</summary>
internal sealed partial class VatKeeper
{
    // every vref whose entry changed this block, with the kref it named then, and every vatstore key written; made
    // on the block's first change and let go when it is taken, so an idle vat holds neither
    private Dictionary<string, Kref>? _blockVrefs;
    private HashSet<string>? _blockVatstore;

    private void VrefChanged(string vref, Kref kref) => (_blockVrefs ??= new(StringComparer.Ordinal)).TryAdd(vref, kref);

    private void VatstoreChanged(string key) => (_blockVatstore ??= new(StringComparer.Ordinal)).Add(key);

    public List<KvWrite> TakeBlockDelta()
    {
        var writes = new List<KvWrite>();
        // deletions first: a kref that left under one vref may have come back under another
        foreach (var (vref, kref) in _blockVrefs ?? [])
        {
            if (_byVref.ContainsKey(vref)) continue;
            writes.Add(KvWrite.Delete(KvKeys.CList(VatId, vref)));
            if (!_byKref.ContainsKey(kref)) writes.Add(KvWrite.Delete(KvKeys.CList(VatId, kref)));
        }
        foreach (var (vref, oldKref) in _blockVrefs ?? [])
        {
            if (!_byVref.TryGetValue(vref, out var e)) continue;
            if (oldKref != e.Kref && !_byKref.ContainsKey(oldKref)) writes.Add(KvWrite.Delete(KvKeys.CList(VatId, oldKref)));
            writes.Add(KvWrite.Set(KvKeys.CList(VatId, vref), e.Kref.ToString()));
            writes.Add(KvWrite.Set(KvKeys.CList(VatId, e.Kref), KvKeys.CListKrefValue(e.Reachable, vref)));
        }
        foreach (var key in _blockVatstore ?? [])
            writes.Add(_vatstore.TryGetValue(key, out var v) ? KvWrite.Set(KvKeys.Vatstore(VatId, key), v) : KvWrite.Delete(KvKeys.Vatstore(VatId, key)));
        writes.Add(KvWrite.Set(KvKeys.NextImportObjectId(VatId), NextImportObjectId.ToString(CultureInfo.InvariantCulture)));
        writes.Add(KvWrite.Set(KvKeys.NextImportPromiseId(VatId), NextImportPromiseId.ToString(CultureInfo.InvariantCulture)));
        writes.Add(KvWrite.Set(KvKeys.IncarnationNumber(VatId), IncarnationNumber.ToString(CultureInfo.InvariantCulture)));
        _blockVrefs = null;
        _blockVatstore = null;
        return writes;
    }

    /// <summary>Marks everything as written, for a vat whose state was just loaded from storage.</summary>
    internal void MarkCommitted()
    {
        _blockVrefs = null;
        _blockVatstore = null;
    }
}
