namespace ActorSwingSet.Liveslots;

/// <summary>
/// The vat's own turn queue. While a delivery runs it is the thread's <see cref="SynchronizationContext"/>, so every
/// <c>await</c> in vat code continues here, in FIFO order, on the vat actor's thread, before the delivery ends:
/// never on the thread pool. Work posted from any other thread, or outside a delivery (a timer, I/O,
/// <c>ConfigureAwait(false)</c> on a foreign task) is not run: it is recorded, and the vat's next delivery fails,
/// because running it would make the vat nondeterministic.
/// </summary>
internal sealed class VatTurnContext : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _queue = new();
    private int _thread = -1;
    private volatile bool _foreignPost;

    public bool ForeignPost => _foreignPost;

    public void Begin() => _thread = Environment.CurrentManagedThreadId;

    public void End()
    {
        _queue.Clear();
        _thread = -1;
    }

    public override void Post(SendOrPostCallback d, object? state)
    {
        if (Environment.CurrentManagedThreadId != _thread)
        {
            _foreignPost = true;
            return;
        }
        _queue.Enqueue((d, state));
    }

    public override void Send(SendOrPostCallback d, object? state)
    {
        if (Environment.CurrentManagedThreadId != _thread)
        {
            _foreignPost = true;
            return;
        }
        d(state);
    }

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Runs queued turns until none are left.</summary>
    public void Drain()
    {
        while (_queue.TryDequeue(out var item)) item.Callback(item.State);
    }
}
