using ActorSwingSet.Kernel.State;
using ActorSwingSet.Marshal;
using ActorSwingSet.References;
using ActorSwingSet.Translation;
using ActorSwingSet.Vat;
using ActorSwingSet.Vat.Messages;

namespace ActorSwingSet.Kernel;

/// <summary>
/// The crank engine. Each <see cref="StepAsync"/> is one crank: take the next event (acceptance queue first, then
/// GC actions, scheduled reaps, the run-queue), perform it (at most a fixed handful of vat requests), run
/// end-of-crank GC and commit. A crank that fails is rolled back in the kernel and in every vat it touched.
/// Deterministic: nothing here reads a clock, a random source or thread timing.
/// The host operations (<see cref="QueueToVatRoot"/> and friends) run between cranks.
/// </summary>
internal sealed partial class KernelCore
{
    private readonly IVatPort _port;
    private readonly KernelOptions _options;
    private readonly HashSet<string> _touchedVats = new(StringComparer.Ordinal);
    private readonly List<string> _createdVats = [];
    private readonly List<string> _destroyAfterCommit = [];
    // vats asked anything since the last block delta: only they can have state to write
    private readonly HashSet<string> _blockVats = new(StringComparer.Ordinal);
    private bool _busy;

    public KernelCore(IVatPort port, KernelOptions options, KernelKeeper? keeper = null)
    {
        _port = port;
        _options = options;
        // state made with the leak on purpose is marked as what it is: the schema version before remediation
        Keeper = keeper ?? new KernelKeeper { SchemaVersion = options.ReproduceUpgradeLeakBug9039 ? Dump.KernelStateDump.LeakySchemaVersion : Dump.KernelStateDump.SchemaVersion };
    }

    private static string ExpectedVersion(KernelOptions options) =>
        options.ReproduceUpgradeLeakBug9039 ? Dump.KernelStateDump.LeakySchemaVersion : Dump.KernelStateDump.SchemaVersion;

    /// <summary>
    /// A kernel rebuilt from state in the kvStore schema: the tables, and every live vat's host with its c-list,
    /// vatstore and incarnation. Each vat's code is built afresh from its bundle on its next delivery, so a vat
    /// keeps across a restart exactly what it keeps in its vatstore (as across an upgrade).
    /// </summary>
    public static KernelCore Restore(IVatPort port, KernelOptions options, IReadOnlyDictionary<string, string> state) =>
        Restore(port, options, state, ExpectedVersion(options), requireBundles: true);

    internal static KernelCore Restore(IVatPort port, KernelOptions options, IReadOnlyDictionary<string, string> state, string version, bool requireBundles)
    {
        var core = new KernelCore(port, options, KernelKeeper.Load(state, version));
        var byVat = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var (key, value) in state)
        {
            var dot = key.IndexOf('.');
            if (dot < 0 || !VatId.IsValid(key[..dot])) continue;
            if (!byVat.TryGetValue(key[..dot], out var part)) byVat[key[..dot]] = part = new(StringComparer.Ordinal);
            part[key] = value;
        }
        foreach (var v in core.Keeper.Vats.Where(v => v.Alive))
        {
            if (requireBundles && !options.Bundles.Contains(v.BundleName)) throw new FormatException($"vat {v.VatId} runs bundle '{v.BundleName}', which is not registered");
            port.RestoreVat(v.VatId, v.BundleName, v.EnablePipelining, byVat.GetValueOrDefault(v.VatId) ?? []);
        }
        return core;
    }

    public KernelKeeper Keeper { get; }

    /// <summary>
    /// Every state change since the last call (or since the kernel was built or restored), as kvStore writes:
    /// first each vat's, then the kernel's. Applied to the previously committed state they give exactly the
    /// current dump; this is what a block commit journals.
    /// </summary>
    public async Task<List<Schema.KvWrite>> TakeBlockDeltaAsync()
    {
        HostOp();
        var writes = new List<Schema.KvWrite>();
        var vats = _blockVats.Where(Keeper.IsAlive).Order(Comparer<string>.Create(VatId.Compare)).ToList();
        foreach (var vatId in vats)
            writes.AddRange((await RequestAsync(vatId, new TakeVatBlockDelta()).ConfigureAwait(false)).Writes);
        _blockVats.Clear();
        writes.AddRange(Keeper.TakeBlockDelta());
        return writes;
    }
    public VatBundleRegistry Bundles => _options.Bundles;
    public string? PanicReason { get; private set; }

    // ---------------- running ----------------

    /// <summary>Runs one crank. Returns false when there was nothing to do.</summary>
    public async Task<bool> StepAsync()
    {
        ThrowIfPanicked();
        if (_busy) throw new InvalidOperationException("the kernel is not re-entrant: a crank is already running");
        _busy = true;
        var K = Keeper;
        try
        {
            K.BeginCrank();
            _touchedVats.Clear();
            _createdVats.Clear();
            var (ev, fromAcceptance, hasWork) = SelectEvent();
            if (!hasWork)
            {
                K.RollbackCrank();
                K.CommitCrank();
                return false;
            }
            var crankNum = K.CrankNumber;
            _options.Slog?.CrankStart(crankNum, fromAcceptance, ev);
            if (fromAcceptance)
            {
                ProcessAcceptance(ev!);
                K.IncStat(KernelStat.RoutingCranks);
            }
            else
            {
                if (ev is not null) await ProcessDeliveryAsync(ev).ConfigureAwait(false);
                K.IncStat(KernelStat.DeliveryCranks);
            }
            K.ProcessRefcounts();
            K.IncrementCrankNumber();
            K.IncStat(KernelStat.Cranks);
            K.CommitCrank();
            _options.Slog?.CrankFinish(crankNum);
            foreach (var v in _destroyAfterCommit) _port.DestroyVat(v);
            _destroyAfterCommit.Clear();
            return true;
        }
        catch (Exception e)
        {
            PanicReason = e is KernelPanicException ? e.Message : $"kernel panic: {e.GetType().Name}: {e.Message}";
            throw e as KernelPanicException ?? new KernelPanicException(e.Message, e);
        }
        finally
        {
            _busy = false;
        }
    }

    /// <summary>Runs until the queues are empty or <paramref name="maxCranks"/> cranks have run; returns the count.</summary>
    public async Task<long> RunAsync(long maxCranks = long.MaxValue)
    {
        long n = 0;
        while (n < maxCranks && await StepAsync().ConfigureAwait(false)) n++;
        return n;
    }

    private void ThrowIfPanicked()
    {
        if (PanicReason is not null) throw new KernelPanicException(PanicReason);
    }

    /// <summary>
    /// The next event, SwingSet's order: the acceptance queue (a routing crank), then GC actions, then a scheduled
    /// bringOutYourDead, then the run-queue. A null event with work means a crank that only prunes GC actions.
    /// </summary>
    private (KernelEvent? Event, bool FromAcceptance, bool HasWork) SelectEvent()
    {
        var K = Keeper;
        if (K.AcceptanceQueue.TryDequeue(out var accepted)) return (accepted, true, true);
        var gc = K.NextGcEvent(out var negated);
        if (gc is not null) return (gc, false, true);
        if (negated) return (null, false, true);
        if (K.NextReap() is { } reapVat) return (new BringOutYourDeadEvent(reapVat), false, true);
        if (K.RunQueue.TryDequeue(out var e)) return (e, false, true);
        return (null, false, false);
    }

    /// <summary>Rolls the crank back to its start in the kernel and in every vat it touched.</summary>
    private void AbortCrank()
    {
        Keeper.RollbackCrank();
        foreach (var v in _touchedVats) _port.Tell(v, new AbortCrank(Keeper.CrankNumber));
        foreach (var v in _createdVats) _port.DestroyVat(v);
        _createdVats.Clear();
        _touchedVats.Clear();
    }

    /// <summary>
    /// Rolls back, then takes the same event off its queue again and drops its references, so it is consumed
    /// rather than retried.
    /// </summary>
    private void AbortCrankAndConsume()
    {
        AbortCrank();
        if (SelectEvent().Event is { } again) Keeper.ReleaseEvent(again);
    }

    private Task<TReply> RequestAsync<TReply>(string vatId, VatRequest<TReply> request) where TReply : class
    {
        _touchedVats.Add(vatId);
        _blockVats.Add(vatId);
        return _port.RequestAsync(vatId, request);
    }

    /// <summary>Delivers <paramref name="kd"/> to a vat, lending it the kernel's next kref numbers.</summary>
    private Task<DeliveryReply> DeliverAsync(string vatId, KernelDelivery kd)
    {
        _options.Slog?.Deliver(Keeper.CrankNumber, vatId, kd);
        return RequestAsync(vatId, new DeliverRequest(Keeper.CrankNumber, kd, Keeper.NextObjectId, Keeper.NextPromiseId));
    }

    // ---------------- routing ----------------

    private abstract record Route;
    private sealed record ToVat(string VatId, Kref Target) : Route;
    private sealed record Splat(KCapData Error) : Route;
    private sealed record Requeue(Kref Promise) : Route;

    private Route RouteSend(SendEvent s)
    {
        var K = Keeper;
        if (s.Target.IsObject) return ToObject(s.Target);
        if (!s.Target.IsPromise) throw new KernelPanicException($"cannot send to {s.Target}");
        var p = K.GetPromise(s.Target);
        switch (p.State)
        {
            case PromiseState.Fulfilled:
                if (SingleSlot(p.Data!) is { IsObject: true } obj) return ToObject(obj);
                return new Splat(KCapData.Of(SmallCaps.Error($"data is not callable, has no method {MethodName(s.Msg.Methargs)}")));
            case PromiseState.Rejected:
                return new Splat(p.Data!);
            default:
                if (p.Decider is null) return new Requeue(s.Target);
                var decider = K.Vat(p.Decider);
                if (decider is null || !decider.Alive) return new Splat(VatTerminatedError);
                return decider.EnablePipelining ? new ToVat(p.Decider, s.Target) : new Requeue(s.Target);
        }

        Route ToObject(Kref ko) =>
            K.LiveOwnerOf(ko) is { } owner ? new ToVat(owner, ko) : new Splat(VatTerminatedError);
    }

    internal static readonly KCapData VatTerminatedError = KCapData.Of(SmallCaps.Error("vat terminated"));

    private static Kref? SingleSlot(KCapData data)
    {
        if (data.Slots.Length == 0) return null;
        try
        {
            return SmallCaps.Decode(data.Body, data.Slots.Length) is SlotRef r ? data.Slots[r.Index] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string MethodName(KCapData methargs)
    {
        try
        {
            return SmallCaps.Decode(methargs.Body, methargs.Slots.Length) is List<object?> { Count: > 0 } l ? l[0]?.ToString() ?? "undefined" : "undefined";
        }
        catch (FormatException)
        {
            return "undefined";
        }
    }

    private void ProcessAcceptance(KernelEvent e)
    {
        var K = Keeper;
        if (e is not SendEvent s)
        {
            K.RunQueue.Enqueue(e);
            return;
        }
        switch (RouteSend(s))
        {
            case Splat splat:
                if (s.Msg.Result is { } r) ResolveByKernel(r, true, splat.Error);
                K.ReleaseEvent(s);
                break;
            case ToVat to:
                if (to.Target != s.Target)
                {
                    K.Decref(s.Target);
                    K.Incref(to.Target);
                }
                K.RunQueue.Enqueue(to.Target == s.Target ? s : s with { Target = to.Target });
                break;
            case Requeue q:
                K.AddMessageToPromiseQueue(q.Promise, s.Msg);
                break;
        }
    }

    // ---------------- promises ----------------

    /// <summary>SwingSet's doResolve: notify every subscriber, then settle (queued messages are re-sent).</summary>
    private void DoResolve(Kref kpid, bool rejected, KCapData data)
    {
        var K = Keeper;
        var p = K.GetPromise(kpid);
        foreach (var subscriber in p.Subscribers) K.Accept(new NotifyEvent(subscriber, kpid));
        K.SettlePromise(kpid, rejected, data);
    }

    /// <summary>Settles a promise the kernel itself decides (no decider).</summary>
    private void ResolveByKernel(Kref kpid, bool rejected, KCapData data)
    {
        var p = Keeper.GetPromise(kpid);
        if (p.State != PromiseState.Unresolved) throw new KernelPanicException($"{kpid} was already resolved");
        if (p.Decider is not null) throw new KernelPanicException($"{kpid} is decided by {p.Decider}, not the kernel");
        DoResolve(kpid, rejected, data);
    }

    /// <summary>The promise and every settled promise reachable through resolution data (SwingSet's getKpidsToRetire).</summary>
    private List<KResolution> KpidsToRetire(Kref root)
    {
        var seen = new HashSet<Kref>();
        var order = new List<KResolution>();
        void Scan(Kref kpid, IKernelPromise p)
        {
            seen.Add(kpid);
            order.Add(new KResolution(kpid, p.State == PromiseState.Rejected, p.Data!));
            foreach (var slot in p.Data!.Slots)
            {
                if (!slot.IsPromise || seen.Contains(slot)) continue;
                var sp = Keeper.GetPromise(slot);
                if (sp.State != PromiseState.Unresolved) Scan(slot, sp);
            }
        }
        Scan(root, Keeper.GetPromise(root));
        return order;
    }
}
