using ActorSwingSet.Schema;

namespace ActorSwingSet.Tests.Support;

/// <summary>Committed transcripts in a list, for in-process kernels that simulate blocks and restarts.</summary>
internal sealed class ListTranscriptStore : ITranscriptStore
{
    private readonly List<TranscriptItem> _items = [];

    public int Count => _items.Count;

    public IReadOnlyList<TranscriptItem> ReadSpan(string vatId, long incarnation) =>
        [.. _items.Where(i => i.VatId == vatId && i.Incarnation == incarnation).OrderBy(i => i.Position)];

    public long EndPosition(string vatId) => _items.Where(i => i.VatId == vatId).Select(i => i.Position + 1).DefaultIfEmpty(0).Max();

    public void Append(IReadOnlyList<TranscriptItem> items)
    {
        foreach (var item in items)
        {
            if (item.Position != EndPosition(item.VatId)) throw new InvalidOperationException($"{item.VatId}: item {item.Position} does not follow {EndPosition(item.VatId)}");
            _items.Add(item);
        }
    }

    public void DeleteVat(string vatId) => _items.RemoveAll(i => i.VatId == vatId);
}
