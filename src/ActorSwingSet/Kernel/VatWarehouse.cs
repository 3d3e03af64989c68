namespace ActorSwingSet.Kernel;

/// <summary>
/// Which vat workers are in memory (SwingSet's vat warehouse): at most <c>max-vats-online</c>, least recently used
/// evicted first. A vat comes online when a request runs its code; a vat its crank has already asked anything is
/// never evicted in that crank (an abort may still need to undo what it did), so a crank that touches more vats than
/// the limit briefly holds more. Decides only which worker is let go, never what a crank does.
/// </summary>
internal sealed class VatWarehouse(int maxOnline)
{
    private readonly LinkedList<(string VatId, long Crank)> _lru = new();
    private readonly Dictionary<string, LinkedListNode<(string VatId, long Crank)>> _online = new(StringComparer.Ordinal);

    /// <summary>The vats whose workers are in memory, least recently used first.</summary>
    public IEnumerable<string> Online => _lru.Select(e => e.VatId);

    /// <summary>
    /// <paramref name="vatId"/>'s code runs in <paramref name="crank"/>: it becomes the most recently used. Returns the
    /// vats to evict now (none while the limit holds), least recently used first.
    /// </summary>
    public List<string>? Use(string vatId, long crank)
    {
        if (_online.Remove(vatId, out var node)) _lru.Remove(node);
        _online[vatId] = _lru.AddLast((vatId, crank));
        List<string>? evict = null;
        for (var n = _lru.First; n is not null && _online.Count > maxOnline;)
        {
            var next = n.Next;
            if (n.Value.Crank != crank)
            {
                (evict ??= []).Add(n.Value.VatId);
                _online.Remove(n.Value.VatId);
                _lru.Remove(n);
            }
            n = next;
        }
        return evict;
    }

    /// <summary>Whether the vat's worker is online.</summary>
    public bool IsOnline(string vatId) => _online.ContainsKey(vatId);

    /// <summary>The vat is gone (terminated) or its worker was dropped: it is not online any more.</summary>
    public void Forget(string vatId)
    {
        if (_online.Remove(vatId, out var node)) _lru.Remove(node);
    }
}
