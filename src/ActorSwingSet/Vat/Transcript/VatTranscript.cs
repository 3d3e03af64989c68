using ActorSwingSet.Schema;

namespace ActorSwingSet.Vat.Transcript;

/// <summary>
/// One vat's transcript as its host sees it: the committed items in the <see cref="ITranscriptStore"/> plus the
/// entries since the last block, which the block takes (<see cref="TakeBlockItems"/>). Without a store (a kernel
/// without persistence) the current incarnation's entries stay here, since nothing else keeps them. Appends are
/// journalled per crank like the vat's other state: an aborted crank's entries are gone.
/// </summary>
internal sealed class VatTranscript(string vatId, ITranscriptStore? store)
{
    private readonly List<(long Incarnation, long Position, TranscriptEntry Entry)> _unstored = [];
    private (int Count, long End) _crankStart;
    private long _oldestHeld = long.MaxValue;

    /// <summary>The position the next entry takes: deliveries the vat has received over all its incarnations.</summary>
    public long EndPosition { get; private set; } = store?.EndPosition(vatId) ?? 0;

    public void BeginCrank() => _crankStart = (_unstored.Count, EndPosition);

    public void RollbackCrank()
    {
        _unstored.RemoveRange(_crankStart.Count, _unstored.Count - _crankStart.Count);
        EndPosition = _crankStart.End;
    }

    /// <summary>Without a store, an earlier incarnation's entries are let go once the crank that ended it commits.</summary>
    public void CommitCrank(long incarnation)
    {
        if (store is not null || _oldestHeld >= incarnation) return;
        _unstored.RemoveAll(e => e.Incarnation < incarnation);
        _oldestHeld = incarnation;
    }

    public void Append(long incarnation, TranscriptEntry entry)
    {
        _unstored.Add((incarnation, EndPosition++, entry));
        _oldestHeld = Math.Min(_oldestHeld, incarnation);
    }

    /// <summary>Every entry of <paramref name="incarnation"/>, committed or not, in order: what a rebuilt worker replays.</summary>
    public List<TranscriptEntry> Span(long incarnation)
    {
        var span = new List<TranscriptEntry>();
        if (store is not null) span.AddRange(store.ReadSpan(vatId, incarnation).Select(i => TranscriptJson.ParseEntry(i.Item)));
        foreach (var (inc, _, entry) in _unstored)
            if (inc == incarnation) span.Add(entry);
        return span;
    }

    /// <summary>The entries since the last block, as stored items, for the block to commit; none without a store.</summary>
    public List<TranscriptItem> TakeBlockItems()
    {
        if (store is null) return [];
        var items = _unstored.Select(e => new TranscriptItem(vatId, e.Incarnation, e.Position, TranscriptJson.Entry(e.Entry))).ToList();
        _unstored.Clear();
        _unstored.TrimExcess();     // an idle vat holds no array between blocks
        _crankStart = (0, EndPosition);
        return items;
    }
}
