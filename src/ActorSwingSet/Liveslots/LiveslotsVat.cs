using ActorSwingSet.References;
using ActorSwingSet.Vat;
using ActorSwingSet.Vats;

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
    private readonly IVat _definition;
    private readonly VatTurnContext _turns = new();
    private readonly GcCandidates _candidates = new();
    private readonly VatStore _store;
    private readonly IdCounters _counters;
    private readonly ExportTable _exports;
    private readonly PromiseTable _promises;
    private readonly KindTable _kinds;
    private readonly Collector _collector;
    private readonly EventualSender _sender;
    private bool _started;

    /// <summary>
    /// The composition root of one vat: each component is built from the few collaborators it uses. The two
    /// cycles (the marshaller and the promise table use each other; the marshaller revives vrefs through the kind
    /// table and tells the collector of exported kind instances, both built from it) are closed with delegates bound
    /// to locals assigned below, so no component holds this object.
    /// </summary>
    public LiveslotsVat(IVat definition)
    {
        _definition = definition;
        var turns = _turns;
        Func<IVatSyscalls> syscalls = () => turns.Syscalls;
        _store = new VatStore(syscalls, _candidates);
        _counters = new IdCounters(_store);
        var counters = _counters;
        var exports = _exports = new ExportTable(counters.NextExport);
        Marshaller? marshaller = null;
        KindTable? kinds = null;
        Collector? collector = null;
        var promises = _promises = new PromiseTable(syscalls, counters.NextPromise, _store, exports, turns, () => marshaller!);
        marshaller = Marshaller = new Marshaller(
            _store, exports, promises, (vref, iface) => ValFor(promises, exports, kinds!, vref, iface), vref => collector!.Exported(vref));
        kinds = _kinds = new KindTable(_store, marshaller, counters.NextKind, exports, _candidates);
        collector = _collector = new Collector(_candidates, exports, kinds, _store, marshaller, syscalls);
        _sender = new EventualSender(syscalls, counters.NextPromise, marshaller, promises, exports, turns);
    }

    public Marshaller Marshaller { get; }

    public void Deliver(VatDelivery delivery, IVatSyscalls syscalls)
    {
        if (_turns.EscapedTurn)
            throw new InvalidOperationException("vat code ran outside its turn (a timer, a thread or ConfigureAwait(false)): vats must be deterministic");
        var previousContext = SynchronizationContext.Current;
        _turns.Begin(syscalls, _sender);
        SynchronizationContext.SetSynchronizationContext(_turns);
        try
        {
            if (delivery is StartVatDelivery start) Start(start.VatParameters, upgrade: true);
            else if (!_started) Start(null, upgrade: false);
            Dispatch(delivery);
            _turns.Drain();
            _counters.Flush();
        }
        catch (VatExitException)
        {
            // the exit syscall is made; the kernel unwinds this delivery and terminates the vat with its reason
        }
        finally
        {
            _turns.End();
            SynchronizationContext.SetSynchronizationContext(previousContext);
        }
    }

    /// <summary>Code rebuilt after a restart: each import is a candidate for the next collection.</summary>
    public void Rebuilt(IReadOnlyList<string> imports)
    {
        foreach (var vref in imports) _candidates.MaybeDead(vref);
    }

    /// <summary>
    /// Builds the incarnation: from <c>startVat</c>, or (when the vat's code was rebuilt after a kernel restart, with
    /// no startVat) from the vatParameters it stored, keeping its stored state.
    /// </summary>
    private void Start(VCapData? parameters, bool upgrade)
    {
        _started = true;
        _counters.Load();
        _kinds.Load(sameIncarnation: !upgrade);
        if (upgrade)
        {
            _kinds.DeleteVirtualLeftovers();
            _store.Set("vatParameters", System.Text.Json.JsonSerializer.Serialize(parameters));
        }
        else
        {
            parameters = _store.Get("vatParameters") is { } raw ? System.Text.Json.JsonSerializer.Deserialize<VCapData>(raw) : null;
        }
        var value = parameters is null || parameters.Body == "#null" ? null : Marshaller.FromCapData(parameters);
        var built = _definition.BuildRootObject(new VatPowers(_kinds, _promises, _sender, Marshaller), value, new Baggage(_store, Marshaller));
        _turns.Drain();
        if (built is Task task)
        {
            if (!task.IsCompleted) throw new InvalidOperationException("buildRootObject's task did not complete during startVat");
            var (rejected, result) = PromiseTable.Outcome(task);
            if (rejected) throw new VatRejectedException(result);
            built = result ?? throw new InvalidOperationException("buildRootObject returned no root object");
        }
        _exports.BindRoot(built);
        _kinds.CheckDurableKindsDefined();
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
                _promises.Notify(n.Resolutions);
                break;
            case DropExportsDelivery d:
                foreach (var vref in d.Vrefs)
                {
                    _exports.Dropped(vref);
                    _collector.DroppedByKernel(vref);
                }
                break;
            case RetireExportsDelivery r:
                foreach (var vref in r.Vrefs)
                {
                    _exports.Retired(vref);
                    _collector.RetiredByKernel(vref);
                }
                break;
            case RetireImportsDelivery ri:
                foreach (var vref in ri.Vrefs) _exports.ForgetPresence(vref);
                break;
            case BringOutYourDeadDelivery:
                _collector.BringOutYourDead();
                break;
        }
    }

    private void DeliverMessage(MessageDelivery m)
    {
        if (m.Result is { } result) _promises.AdoptResult(result);
        object? target;
        string method;
        List<object?> args;
        try
        {
            target = TargetFor(_exports, _kinds, m.Target);
            if (Marshaller.FromCapData(m.Methargs) is not List<object?> { Count: 2 } l || l[0] is not string name || l[1] is not List<object?> a)
                throw new ArgumentException("methargs must be [method, [args...]]");
            (method, args) = (name, a);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            if (m.Result is { } r) _promises.Settle(r, (true, Rejection.Reason(e)));
            return;
        }
        Invoke(target, method, args, m.Result);
    }

    private static object TargetFor(ExportTable exports, KindTable kinds, string vref)
    {
        if (KindTable.IsKindVref(vref)) return kinds.Representative(vref);
        return exports.Ephemeral(vref)
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
                if (resultVpid is not null) _promises.Follow(resultVpid, task);
                return;
            }
            outcome = (false, returned);
        }
        catch (Exception e) when (e is not IllegalSyscallException and not VatExitException)
        {
            outcome = (true, Rejection.Reason(e));
        }
        if (resultVpid is not null) _promises.Settle(resultVpid, outcome);
    }

    /// <summary>Resolves a vref from a delivery or stored data to the value vat code sees.</summary>
    private static object ValFor(PromiseTable promises, ExportTable exports, KindTable kinds, string vref, string? iface)
    {
        var info = VrefInfo.Parse(vref);
        if (info.Kind == VrefKind.Promise) return promises.TaskFor(vref);
        if (!info.AllocatedByVat) return exports.PresenceFor(vref, iface);
        return TargetFor(exports, kinds, vref);
    }
}

/// <summary>Unwinds vat code after <c>ExitWithFailure</c>; the delivery fails and the vat is terminated.</summary>
internal sealed class VatExitException() : Exception("the vat exited with a failure");
