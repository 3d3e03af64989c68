using ActorSwingSet.Schema;

namespace ActorSwingSet.Kernel.State;

/// <summary>
/// What changed in the kernel's tables since the last block, as kvStore writes. Everything a block touches is
/// marked (a row touched by a crank that was then rolled back is marked too, and re-rendered unchanged: marking
/// too much costs a redundant write, never a wrong one).
/// </summary>
internal sealed partial class KernelKeeper
{
    private readonly HashSet<long> _blockPromises = [];
    private readonly HashSet<long> _blockObjects = [];
    private readonly HashSet<string> _blockVats = new(StringComparer.Ordinal);
    // a new kernel has written nothing yet: every list is due
    private readonly HashSet<KernelList> _blockLists = [.. Enum.GetValues<KernelList>()];
    private readonly Dictionary<string, (long Head, long Tail)> _committedQueues = new(StringComparer.Ordinal)
    {
        [KvKeys.RunQueue] = (1, 1),
        [KvKeys.AcceptanceQueue] = (1, 1),
    };

    /// <summary>Marks everything as written, for a kernel whose state was just loaded from storage.</summary>
    internal void MarkCommitted()
    {
        ClearBlockMarks();
        foreach (var (name, q) in KernelStateRenderer.Queues(this)) _committedQueues[name] = (q.Head, q.Tail);
    }

    private void ClearBlockMarks()
    {
        // emptied to no capacity: a block that touched a million vats leaves no million-slot sets behind
        _blockPromises.Clear();
        _blockPromises.TrimExcess();
        _blockObjects.Clear();
        _blockObjects.TrimExcess();
        _blockVats.Clear();
        _blockVats.TrimExcess();
        _blockLists.Clear();
    }

    /// <summary>The kernel's writes since the last call (or load), in an order that applies cleanly. Between cranks only.</summary>
    public List<KvWrite> TakeBlockDelta()
    {
        if (_undo is not null) throw new KernelPanicException("a block delta is taken between cranks");
        var writes = new List<KvWrite>();
        void Set(string k, string v) => writes.Add(KvWrite.Set(k, v));
        KernelStateRenderer.Scalars(this, Set);
        foreach (var list in Enum.GetValues<KernelList>())
            if (_blockLists.Contains(list)) KernelStateRenderer.List(this, list, Set, k => writes.Add(KvWrite.Delete(k)));
        foreach (var vatId in _blockVats.Order(StringComparer.Ordinal))
        {
            var v = _vats[vatId];
            if (!v.Alive)
            {
                if (v.Name is not null) writes.Add(KvWrite.Delete(KvKeys.VatName(v.Name)));
                writes.Add(KvWrite.DeleteEntity(vatId));
            }
            KernelStateRenderer.Vat(v, Set);
        }
        foreach (var id in _blockObjects.Order())
        {
            writes.Add(KvWrite.DeleteEntity(KvKeys.ObjectEntity(id)));
            if (_objects.TryGetValue(id, out var o)) KernelStateRenderer.Object(id, o, Set);
        }
        foreach (var id in _blockPromises.Order())
        {
            writes.Add(KvWrite.DeleteEntity(KvKeys.PromiseEntity(id)));
            if (_promises.GetValueOrDefault(id) is { } p) KernelStateRenderer.Promise(id, p, Set);
        }
        foreach (var (name, q) in KernelStateRenderer.Queues(this))
        {
            var (oldHead, oldTail) = _committedQueues[name];
            for (var pos = oldHead; pos < Math.Min(q.Head, oldTail); pos++) writes.Add(KvWrite.Delete(KvKeys.QueueEntry(name, pos)));
            foreach (var (pos, e) in q.EntriesFrom(oldTail)) Set(KvKeys.QueueEntry(name, pos), EventJson.Write(e));
            Set(name, KernelStateRenderer.QueueBounds(q));
            _committedQueues[name] = (q.Head, q.Tail);
        }
        ClearBlockMarks();
        return writes;
    }
}
