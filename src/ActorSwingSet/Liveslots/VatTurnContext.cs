using ActorSwingSet.Vats;

namespace ActorSwingSet.Liveslots;

/// <summary>
/// The vat's own turn queue. While a delivery runs it is the thread's <see cref="SynchronizationContext"/>, so every
/// <c>await</c> in vat code continues here, in FIFO order, on the vat actor's thread, before the delivery ends:
/// never on the thread pool.
/// The rule that keeps the vat deterministic depends on who posts, never on when: a thread is inside the vat's
/// turn only between <see cref="Begin"/> and <see cref="End"/> on the thread that called them (a thread-static
/// mark, which no other thread can see or set). A post or send from any other thread (a timer, I/O, the thread
/// pool, <c>ConfigureAwait(false)</c> on a foreign task), or from any thread outside a delivery, is dropped, never
/// run in this delivery or a later one, and recorded in <see cref="EscapedTurn"/>; so is a foreign thread's use of
/// the syscalls or the sender, which throws there instead of reaching the kernel. The vat's next delivery then
/// fails, so the vat is terminated. A post racing with the end of a delivery's drain is thus dropped like any
/// other foreign post, and the delivery it races with is not affected by it.
/// (A task that another thread completed before vat code awaits it continues inline, with no post to see: the
/// vat-code analyzers flag the timers, threads and I/O that make such tasks.)
/// It also carries what a delivery lends the vat: the kernel's syscalls for that delivery, and the vat's sender.
/// Being the installed context, it is the only ambient state of the C# vat layer: <see cref="Running"/> is how
/// <see cref="Eventual.E"/> (which vat code calls with no vat to name) finds the running vat's sender; every
/// component is handed what it uses when the vat is composed.
/// </summary>
internal sealed class VatTurnContext : SynchronizationContext
{
    /// <summary>The turn context whose delivery this thread is running: set and cleared only by that thread.</summary>
    [ThreadStatic]
    private static VatTurnContext? _inTurn;

    private readonly Queue<(SendOrPostCallback Callback, object? State)> _queue = new();
    private volatile bool _escapedTurn;
    private IVatSyscalls? _syscalls;
    private EventualSender? _sender;

    /// <summary>The turn context of the delivery running on this thread (see <see cref="Eventual.E"/>).</summary>
    public static VatTurnContext Running =>
        SynchronizationContext.Current as VatTurnContext
        ?? throw new InvalidOperationException("E() and vat powers can only be used by vat code while its vat runs a delivery");

    /// <summary>Whether work was posted, sent, or reached for the syscalls from outside the vat's turn.</summary>
    public bool EscapedTurn => _escapedTurn;

    /// <summary>Whether the calling thread is running this vat's delivery.</summary>
    private bool InTurn => ReferenceEquals(_inTurn, this);

    /// <summary>The syscalls of the running delivery; only the thread running it gets them.</summary>
    public IVatSyscalls Syscalls =>
        InTurn ? _syscalls! : throw Escaped("vat code made a syscall outside its turn (not on the thread running its delivery)");

    /// <summary>The running vat's eventual sends; only the thread running its delivery gets them.</summary>
    public EventualSender Sender =>
        InTurn ? _sender! : throw Escaped("E() and vat powers can only be used by vat code while its vat runs a delivery");

    /// <summary>A delivery starts on the calling thread: it lends <paramref name="syscalls"/> until <see cref="End"/>.</summary>
    public void Begin(IVatSyscalls syscalls, EventualSender sender)
    {
        _syscalls = syscalls;
        _sender = sender;
        _inTurn = this;
    }

    /// <summary>The delivery ends: whatever it left queued is dropped, and this thread leaves the turn.</summary>
    public void End()
    {
        _queue.Clear();
        _inTurn = null;
        _syscalls = null;
        _sender = null;
    }

    public override void Post(SendOrPostCallback d, object? state)
    {
        if (!InTurn)
        {
            _escapedTurn = true;
            return;
        }
        _queue.Enqueue((d, state));
    }

    public override void Send(SendOrPostCallback d, object? state)
    {
        if (!InTurn)
        {
            _escapedTurn = true;
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

    private InvalidOperationException Escaped(string message)
    {
        _escapedTurn = true;
        return new InvalidOperationException(message);
    }
}
