using ActorSwingSet.Marshal;
using ActorSwingSet.References;
using ActorSwingSet.Vat;

namespace ActorSwingSet.Liveslots;

/// <summary>
/// The C# vat layer (SwingSet's liveslots): an <see cref="IRawVat"/> that runs an <see cref="IVat"/>. It turns
/// deliveries into method calls on the vat's objects and settles result promises with what they return (or throw);
/// it turns eventual sends, promise passing and stored data into syscalls. Every delivery runs the vat's code and
/// all the turns it queues to completion on the vat actor's thread (<see cref="VatTurnContext"/>), so the same
/// deliveries always produce the same syscalls.
/// </summary>
internal sealed class LiveslotsVat : IRawVat, IRebuiltVat
{
    [ThreadStatic] private static LiveslotsVat? _current;

    private readonly IVat _definition;
    private IVatSyscalls? _syscalls;
    private bool _started;

    public LiveslotsVat(IVat definition)
    {
        _definition = definition;
        Store = new VatStore(this);
        Counters = new IdCounters(Store);
        Marshaller = new Marshaller(this);
        Exports = new ExportTable(this);
        Kinds = new KindTable(this);
        Promises = new PromiseTable(this);
        Collector = new Collector(this);
    }

    /// <summary>The vat whose delivery is running on this thread.</summary>
    public static LiveslotsVat Current =>
        _current ?? throw new InvalidOperationException("E() and vat powers can only be used by vat code while its vat runs a delivery");

    public IVatSyscalls Syscalls => _syscalls ?? throw new InvalidOperationException("the vat is not running a delivery");
    public VatStore Store { get; }
    public IdCounters Counters { get; }
    public Marshaller Marshaller { get; }
    public ExportTable Exports { get; }
    public KindTable Kinds { get; }
    public PromiseTable Promises { get; }
    public Collector Collector { get; }
    public VatTurnContext Turns { get; } = new();

    public void Deliver(VatDelivery delivery, IVatSyscalls syscalls)
    {
        if (Turns.ForeignPost)
            throw new InvalidOperationException("vat code ran outside its turn (a timer, a thread or ConfigureAwait(false)): vats must be deterministic");
        var previousContext = SynchronizationContext.Current;
        var previousVat = _current;
        _syscalls = syscalls;
        _current = this;
        SynchronizationContext.SetSynchronizationContext(Turns);
        Turns.Begin();
        try
        {
            if (delivery is StartVatDelivery start) Start(start.VatParameters, upgrade: true);
            else if (!_started) Start(null, upgrade: false);
            Dispatch(delivery);
            Turns.Drain();
            Counters.Flush();
        }
        catch (VatExitException)
        {
            // the exit syscall is made; the kernel unwinds this delivery and terminates the vat with its reason
        }
        finally
        {
            Turns.End();
            SynchronizationContext.SetSynchronizationContext(previousContext);
            _current = previousVat;
            _syscalls = null;
        }
    }

    /// <summary>Code rebuilt after a restart: each import is a candidate for the next collection.</summary>
    public void Rebuilt(IReadOnlyList<string> imports)
    {
        foreach (var vref in imports) Collector.MaybeDead(vref);
    }

    /// <summary>
    /// Builds the incarnation: from <c>startVat</c>, or (when the vat's code was rebuilt after a kernel restart, with
    /// no startVat) from the vatParameters it stored, keeping its stored state.
    /// </summary>
    private void Start(VCapData? parameters, bool upgrade)
    {
        _started = true;
        Counters.Load();
        Kinds.Load(sameIncarnation: !upgrade);
        if (upgrade)
        {
            Kinds.DeleteVirtualLeftovers();
            Store.Set("vatParameters", System.Text.Json.JsonSerializer.Serialize(parameters));
        }
        else
        {
            parameters = Store.Get("vatParameters") is { } raw ? System.Text.Json.JsonSerializer.Deserialize<VCapData>(raw) : null;
        }
        var value = parameters is null || parameters.Body == "#null" ? null : Marshaller.FromCapData(parameters);
        var built = _definition.BuildRootObject(new VatPowers(this), value, new Baggage(this));
        Turns.Drain();
        if (built is Task task)
        {
            if (!task.IsCompleted) throw new InvalidOperationException("buildRootObject's task did not complete during startVat");
            var (rejected, result) = PromiseTable.Outcome(task);
            if (rejected) throw new VatRejectedException(result);
            built = result ?? throw new InvalidOperationException("buildRootObject returned no root object");
        }
        Exports.BindRoot(built);
        Kinds.CheckDurableKindsDefined();
    }

    private void Dispatch(VatDelivery delivery)
    {
        switch (delivery)
        {
            case StartVatDelivery:
                break;
            case MessageDelivery m:
                DeliverMessage(m);
                break;
            case NotifyDelivery n:
                Promises.Notify(n.Resolutions);
                break;
            case DropExportsDelivery d:
                foreach (var vref in d.Vrefs)
                {
                    Exports.Dropped(vref);
                    Collector.DroppedByKernel(vref);
                }
                break;
            case RetireExportsDelivery r:
                foreach (var vref in r.Vrefs)
                {
                    Exports.Retired(vref);
                    Collector.RetiredByKernel(vref);
                }
                break;
            case RetireImportsDelivery ri:
                foreach (var vref in ri.Vrefs) Exports.ForgetPresence(vref);
                break;
            case BringOutYourDeadDelivery:
                Collector.BringOutYourDead();
                break;
        }
    }

    private void DeliverMessage(MessageDelivery m)
    {
        if (m.Result is { } result) Promises.AdoptResult(result);
        object? target;
        string method;
        List<object?> args;
        try
        {
            target = TargetFor(m.Target);
            if (Marshaller.FromCapData(m.Methargs) is not List<object?> { Count: 2 } l || l[0] is not string name || l[1] is not List<object?> a)
                throw new ArgumentException("methargs must be [method, [args...]]");
            (method, args) = (name, a);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            if (m.Result is { } r) Promises.Settle(r, (true, RejectionReason(e)));
            return;
        }
        Invoke(target, method, args, m.Result);
    }

    private object TargetFor(string vref)
    {
        if (KindTable.IsKindVref(vref)) return Kinds.Representative(vref);
        return Exports.Ephemeral(vref)
            ?? throw new InvalidOperationException($"object {vref} is gone (ephemeral objects do not survive a kernel restart)");
    }

    /// <summary>Calls a method on one of the vat's objects; its outcome settles <paramref name="resultVpid"/>, if any.</summary>
    private void Invoke(object target, string method, IReadOnlyList<object?> args, string? resultVpid)
    {
        (bool, object?) outcome;
        try
        {
            var returned = MethodDispatcher.Invoke(target, method, args);
            if (returned is Task task)
            {
                if (resultVpid is not null) Promises.Follow(resultVpid, task);
                return;
            }
            outcome = (false, returned);
        }
        catch (Exception e) when (e is not IllegalSyscallException and not VatExitException)
        {
            outcome = (true, RejectionReason(e));
        }
        if (resultVpid is not null) Promises.Settle(resultVpid, outcome);
    }

    /// <summary>An eventual send from vat code (see <see cref="Eventual.E"/>).</summary>
    public Task<object?>? Send(object target, string method, object?[] args, bool wantResult)
    {
        ArgumentNullException.ThrowIfNull(method);
        string targetVref;
        switch (target)
        {
            case Presence p:
                if (!ReferenceEquals(p.Owner, this)) throw new ArgumentException($"{p} belongs to another vat");
                targetVref = p.Vref;
                break;
            case DurablePromise dp:
                targetVref = Promises.VpidForDurable(dp);
                break;
            case Task t:
                targetVref = Promises.VpidFor(t);
                break;
            default:
                if (!Exports.IsRemotable(target)) throw new NotPassableException($"cannot send to a {target.GetType().Name}: not a presence, a promise or a remotable");
                return SendLocal(target, method, args, wantResult);
        }
        var methargs = Marshaller.Methargs(method, args);
        if (!wantResult)
        {
            Syscalls.Send(targetVref, methargs);
            return null;
        }
        var resultVpid = "p+" + Counters.NextPromise().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Syscalls.Send(targetVref, methargs, resultVpid);
        return Promises.TaskFor(resultVpid);
    }

    /// <summary>An eventual send to one of the vat's own objects: the call runs in a later turn.</summary>
    private Task<object?>? SendLocal(object target, string method, object?[] args, bool wantResult)
    {
        var kit = new PromiseKit();
        Turns.Post(_ =>
        {
            try
            {
                var returned = MethodDispatcher.Invoke(target, method, args);
                if (returned is Task t) t.GetAwaiter().OnCompleted(() =>
                {
                    var (rejected, value) = PromiseTable.Outcome(t);
                    if (rejected) kit.Reject(value); else kit.Resolve(value);
                });
                else kit.Resolve(returned);
            }
            catch (Exception e) when (e is not IllegalSyscallException and not VatExitException)
            {
                kit.Reject(RejectionReason(e));
            }
        }, null);
        return wantResult ? kit.Promise : null;
    }

    /// <summary>Resolves a vref from a delivery or stored data to the value vat code sees.</summary>
    public object ValFor(string vref, string? iface)
    {
        var info = VrefInfo.Parse(vref);
        if (info.Kind == VrefKind.Promise) return Promises.TaskFor(vref);
        if (!info.AllocatedByVat) return Exports.PresenceFor(vref, iface);
        return TargetFor(vref);
    }

    public void Exit(bool isFailure, object? value)
    {
        Syscalls.Exit(isFailure, Marshaller.ToCapData(value));
        if (isFailure) throw new VatExitException();
    }

    /// <summary>What a thrown exception rejects a promise with.</summary>
    public static object? RejectionReason(Exception e) => e switch
    {
        VatRejectedException r => r.Reason,
        _ => new PassableError(ErrorName(e), e.Message),
    };

    /// <summary>The JavaScript error name an exception crosses as.</summary>
    public static string ErrorName(Exception e) => e switch
    {
        ArgumentOutOfRangeException or OverflowException or IndexOutOfRangeException => "RangeError",
        ArgumentException or InvalidCastException or NullReferenceException or NotSupportedException => "TypeError",
        _ => "Error",
    };

    /// <summary>The kernel's vat-admin syscall (only the vat-admin vat may make it); the task settles with the outcome.</summary>
    public Task<object?> CallVatAdmin(string operation, params object?[] args)
    {
        var vpid = "p+" + Counters.NextPromise().ToString(System.Globalization.CultureInfo.InvariantCulture);
        ((IVatAdminSyscalls)Syscalls).CallVatAdmin(Marshaller.Methargs(operation, args), vpid);
        return Promises.TaskFor(vpid);
    }
}

/// <summary>Unwinds vat code after <c>ExitWithFailure</c>; the delivery fails and the vat is terminated.</summary>
internal sealed class VatExitException() : Exception("the vat exited with a failure");
