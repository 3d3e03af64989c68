using ActorSwingSet.Vats;

namespace ActorSwingSet.Liveslots;

/// <summary>
/// The vat's own turn queue. While a delivery runs it is the thread's <see cref="SynchronizationContext"/>, so every
/// <c>await</c> in vat code continues here, in FIFO order, on the vat actor's thread, before the delivery ends:
/// never on the thread pool. Work posted from any other thread, or outside a delivery (a timer, I/O,
/// <c>ConfigureAwait(false)</c> on a foreign task) is not run: it is recorded, and the vat's next delivery fails,
/// because running it would make the vat nondeterministic.
/// It also carries what a delivery lends the vat: the kernel's syscalls for that delivery, and the vat's sender.
/// Being the installed context, it is the only ambient state of the C# vat layer: <see cref="Running"/> is how
/// <see cref="Eventual.E"/> (which vat code calls with no vat to name) finds the running vat's sender; every
/// component is handed what it uses when the vat is composed.
/// </summary>
internal sealed class VatTurnContext : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _queue = new();
    private int _thread = -1;
    private volatile bool _foreignPost;
    private IVatSyscalls? _syscalls;
    private EventualSender? _sender;

    /// <summary>The turn context of the delivery running on this thread (see <see cref="Eventual.E"/>).</summary>
    public static VatTurnContext Running =>
        SynchronizationContext.Current as VatTurnContext
        ?? throw new InvalidOperationException("E() and vat powers can only be used by vat code while its vat runs a delivery");

    public bool ForeignPost => _foreignPost;

    /// <summary>The syscalls of the running delivery.</summary>
    public IVatSyscalls Syscalls => _syscalls ?? throw new InvalidOperationException("the vat is not running a delivery");

    /// <summary>The running vat's eventual sends.</summary>
    public EventualSender Sender => _sender ?? throw new InvalidOperationException("E() and vat powers can only be used by vat code while its vat runs a delivery");

    /// <summary>A delivery starts: it lends <paramref name="syscalls"/> until <see cref="End"/>.</summary>
    public void Begin(IVatSyscalls syscalls, EventualSender sender)
    {
        _thread = Environment.CurrentManagedThreadId;
        _syscalls = syscalls;
        _sender = sender;
    }

    public void End()
    {
        _queue.Clear();
        _thread = -1;
        _syscalls = null;
        _sender = null;
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
