namespace ActorSwingSet.Kernel.State;

/// <summary>
/// A FIFO of kernel events with SwingSet's head/tail numbering (<c>runQueue = [head, tail]</c>, items at
/// <c>runQueue.N</c>). Rolling back to a mark restores dequeued items and drops ones queued since.
/// </summary>
internal sealed class EventQueue
{
    private readonly List<KernelEvent> _items = [];
    private int _offset;

    public long Head { get; private set; } = 1;
    public long Tail { get; private set; } = 1;
    public long Length => Tail - Head;

    public void Enqueue(KernelEvent e)
    {
        _items.Add(e);
        Tail++;
    }

    public bool TryDequeue(out KernelEvent e)
    {
        if (_offset == _items.Count)
        {
            e = null!;
            return false;
        }
        e = _items[_offset++];
        Head++;
        return true;
    }

    /// <summary>Queued events with their positions, head first.</summary>
    public IEnumerable<(long Position, KernelEvent Event)> Entries() => EntriesFrom(Head);

    /// <summary>Queued events at <paramref name="position"/> and after, without walking the ones before.</summary>
    public IEnumerable<(long Position, KernelEvent Event)> EntriesFrom(long position)
    {
        var start = _offset + (int)Math.Max(0, position - Head);
        for (var i = start; i < _items.Count; i++) yield return (Head + i - _offset, _items[i]);
    }

    public readonly record struct Mark(int Offset, int Count, long Head, long Tail);

    public Mark Save() => new(_offset, _items.Count, Head, Tail);

    public void Restore(Mark m)
    {
        if (_items.Count > m.Count) _items.RemoveRange(m.Count, _items.Count - m.Count);
        _offset = m.Offset;
        Head = m.Head;
        Tail = m.Tail;
    }

    /// <summary>Frees consumed slots; only valid when no mark is outstanding.</summary>
    public void Compact()
    {
        if (_offset > 1024 && _offset * 2 > _items.Count)
        {
            _items.RemoveRange(0, _offset);
            _offset = 0;
        }
    }

    /// <summary>Rebuilds a queue from stored state (head, tail and the events in order).</summary>
    public void Load(long head, long tail, IEnumerable<KernelEvent> events)
    {
        _items.Clear();
        _items.AddRange(events);
        _offset = 0;
        Head = head;
        Tail = tail;
        if (_items.Count != tail - head) throw new InvalidOperationException("queue bounds do not match its items");
    }
}
