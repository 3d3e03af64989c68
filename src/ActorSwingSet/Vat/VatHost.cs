using ActorSwingSet.References;
using ActorSwingSet.Schema;
using ActorSwingSet.Vat.Messages;
using ActorSwingSet.Vat.State;
using ActorSwingSet.Vat.Transcript;
using ActorSwingSet.Vats;

namespace ActorSwingSet.Vat;

/// <summary>
/// Everything a vat actor does, as a plain class: it owns the vat's <see cref="VatKeeper"/>, its transcript and the
/// running incarnation's worker (an <see cref="IRawVat"/>), answers <see cref="VatRequest{TReply}"/>s, and keeps an
/// undo journal for the open crank. The actor (<see cref="VatActor"/>) only moves messages; tests can drive this
/// class directly.
/// </summary>
/// <remarks>
/// Every delivery that succeeds is recorded in the transcript with the syscalls it made. The worker is only a cache
/// of what the transcript says: whenever there is none (after a restart, an eviction, or an aborted crank whose
/// delivery the old worker saw), the next delivery builds it afresh and replays the incarnation's transcript into it
/// first (<see cref="TranscriptReplay"/>). A worker whose replay diverges is never used: the delivery fails with
/// the divergence and the kernel terminates the vat.
/// </remarks>
/// <remarks>
/// The host's lifecycle is the explicit state machine of <see cref="VatHostState"/>; every change of state goes through
/// <see cref="Enter"/>, which refuses a transition the table does not allow.
/// </remarks>
internal sealed class VatHost : IVatRequestHandler
{
    private readonly VatBundleRegistry _bundles;
    private readonly bool _enablePipelining;
    private readonly VatTranscript _transcript;
    private IRawVat? _vat;
    private string _bundleName;

    // valid in the states with an open crank (InCrank, TerminatedInCrank); cleared when it closes, so that a worker
    // let go (evicted, or dropped by an abort) is not kept alive by it
    private long _crank;
    private (IRawVat? Vat, string Bundle) _atCrankStart;
    // whether the open crank ran the worker's code (then an abort must let that worker go)
    private bool _ranCode;

    public VatHost(string vatId, string bundleName, Kref root, bool enablePipelining, VatBundleRegistry bundles, ITranscriptStore? transcripts)
    {
        _bundles = bundles;
        _enablePipelining = enablePipelining;
        Keeper = new VatKeeper(vatId);
        _transcript = new VatTranscript(vatId, transcripts);
        _bundleName = bundleName;
        // the root object o+0 is exported from the start, so the host can address it before startVat
        var sink = new List<VatEffect>();
        Keeper.AddEntry(root, VrefInfo.Root, true, sink);
        Keeper.SetReachable(root, true, sink);
    }

    /// <summary>A vat host for a vat restored from stored state; its worker is rebuilt from its transcript on its next delivery.</summary>
    public VatHost(VatKeeper keeper, string bundleName, bool enablePipelining, VatBundleRegistry bundles, ITranscriptStore? transcripts)
    {
        _bundles = bundles;
        _enablePipelining = enablePipelining;
        Keeper = keeper;
        _transcript = new VatTranscript(keeper.VatId, transcripts);
        _bundleName = bundleName;
    }

    public VatKeeper Keeper { get; }
    public string VatId => Keeper.VatId;
    public VatHostState State { get; private set; } = VatHostState.Idle;

    /// <summary>Whether the vat's worker is in memory (it is rebuilt from the transcript when it is not).</summary>
    public bool WorkerOnline => _vat is not null;

    /// <summary>The number of deliveries in the vat's transcript, over all its incarnations.</summary>
    public long TranscriptEnd => _transcript.EndPosition;

    /// <summary>Answers <paramref name="request"/> with the reply type it names.</summary>
    public TReply Handle<TReply>(VatRequest<TReply> request) where TReply : class => request.Accept(this);

    /// <summary>Answers a request whose reply type the caller does not know (the actor's case).</summary>
    public object Handle(VatRequest request) => request.Dispatch(this);

    /// <summary>Carries out a command, which has no reply.</summary>
    public void Handle(VatCommand command) => command.Apply(this);

    // ---------------- the state machine ----------------

    private bool CrankOpen => State is VatHostState.InCrank or VatHostState.TerminatedInCrank;

    /// <summary>The only place <see cref="State"/> changes: every transition the host makes, and nothing else.</summary>
    private void Enter(VatHostState next)
    {
        var allowed = (State, next) switch
        {
            (VatHostState.Idle, VatHostState.InCrank) => true,
            (VatHostState.InCrank, VatHostState.TerminatedInCrank) => true,
            (VatHostState.InCrank or VatHostState.TerminatedInCrank, VatHostState.Idle) => true,
            (VatHostState.TerminatedInCrank, VatHostState.Terminated) => true,
            _ => false,
        };
        if (!allowed) throw new InvalidOperationException($"internal error: vat host {VatId} cannot go from {State} to {next}");
        State = next;
    }

    /// <summary>Opens <paramref name="crank"/> unless it is the open one; a different open crank is committed first.</summary>
    private void OpenCrank(long crank)
    {
        if (CrankOpen && crank == _crank) return;
        CommitCrank();
        Keeper.BeginCrank();
        _transcript.BeginCrank();
        Enter(VatHostState.InCrank);
        _crank = crank;
        _atCrankStart = (_vat, _bundleName);
        _ranCode = false;
    }

    /// <summary>Keeps what the open crank did, if one is open; a terminated vat stays terminated.</summary>
    private void CommitCrank()
    {
        Keeper.CommitCrank();
        if (CrankOpen) _transcript.CommitCrank(Keeper.IncarnationNumber);
        if (State == VatHostState.TerminatedInCrank) Enter(VatHostState.Terminated);
        else if (CrankOpen) Enter(VatHostState.Idle);
        _atCrankStart = default;
    }

    /// <summary>The vat requests that run its code or change its incarnation need it alive.</summary>
    private void RequireLive()
    {
        if (State is VatHostState.TerminatedInCrank or VatHostState.Terminated)
            throw new InvalidOperationException($"internal error: vat host {VatId} is terminated");
    }

    // ---------------- requests ----------------

    DeliveryReply IVatRequestHandler.Deliver(DeliverRequest request)
    {
        OpenCrank(request.Crank);
        return Deliver(request.Crank, request.Delivery, new VatTranslator(Keeper, _enablePipelining, request.NextObjectId, request.NextPromiseId));
    }

    PrepareUpgradeReply IVatRequestHandler.PrepareUpgrade(PrepareUpgradeRequest request)
    {
        OpenCrank(request.Crank);
        var boyd = Deliver(request.Crank, KBringOutYourDead.Instance, new VatTranslator(Keeper, _enablePipelining, request.NextObjectId, request.NextPromiseId));
        return new PrepareUpgradeReply(boyd, Keeper.IncarnationNumber, Keeper.PromiseEntriesByVref());
    }

    DeliveryReply IVatRequestHandler.StartIncarnation(StartIncarnationRequest request)
    {
        OpenCrank(request.Crank);
        RequireLive();
        var translator = new VatTranslator(Keeper, _enablePipelining, request.NextObjectId, request.NextPromiseId);
        foreach (var kpid in request.DeleteKpids) Keeper.DeleteEntry(kpid, translator.Effects);
        // abandon every export but the root and durable objects: ephemeral (o+N) and virtual (o+vN/M) ones
        var abandoned = new List<Kref>();
        foreach (var (vref, kref, _) in Keeper.EntriesByVref())
        {
            if (vref == VrefInfo.Root || !VrefInfo.TryParse(vref, out var info)) continue;
            if (info.Kind == VrefKind.Object && info.AllocatedByVat && !info.IsDurable)
            {
                Keeper.DeleteEntry(kref, translator.Effects);
                abandoned.Add(kref);
            }
        }
        if (abandoned.Count > 0) translator.Effects.Add(VatEffect.Of(new AbandonNonDurableExports(abandoned)));
        Keeper.StartNextIncarnation();
        _vat = null;
        _bundleName = request.BundleName;
        return Deliver(request.Crank, new KStartVat(request.VatParameters), translator);
    }

    TerminateVatReply IVatRequestHandler.Terminate(TerminateVatRequest request)
    {
        OpenCrank(request.Crank);
        RequireLive();
        var entries = Keeper.EntriesByVref();
        var effects = new List<VatEffect>();
        foreach (var (_, kref, _) in entries) Keeper.DeleteEntry(kref, effects);
        Enter(VatHostState.TerminatedInCrank);
        return new TerminateVatReply(VatId, request.Crank, entries, effects);
    }

    PromiseEntriesReply IVatRequestHandler.ListPromiseEntries(ListPromiseEntries request) => new(VatId, Keeper.PromiseEntriesByVref());

    VatBlockDelta IVatRequestHandler.TakeBlockDelta(TakeVatBlockDelta request)
    {
        CommitCrank();
        return new VatBlockDelta(VatId, Keeper.TakeBlockDelta(), _transcript.TakeBlockItems());
    }

    VatDumpReply IVatRequestHandler.Dump(DumpVatRequest request) => new(VatId, [.. Keeper.Dump()]);

    // ---------------- commands ----------------

    /// <summary>
    /// Undoes the open crank if it is <see cref="VatCommand.Crank"/>; a vat the crank never opened has nothing to undo.
    /// A worker that ran code in the crank has seen what is undone, so it is let go and rebuilt from the transcript.
    /// </summary>
    void IVatRequestHandler.AbortCrank(AbortCrank command)
    {
        if (!CrankOpen || command.Crank != _crank) return;
        Keeper.RollbackCrank();
        _transcript.RollbackCrank();
        (_vat, _bundleName) = _atCrankStart;
        _atCrankStart = default;
        if (_ranCode) _vat = null;
        Enter(VatHostState.Idle);
    }

    /// <summary>Keeps what the vat's last crank did and lets its worker go; the kernel never evicts a vat its open crank touched.</summary>
    WorkerEvicted IVatRequestHandler.EvictWorker(EvictWorker request)
    {
        if (CrankOpen && request.Crank == _crank)
            throw new InvalidOperationException($"internal error: vat {VatId} cannot be evicted in crank {request.Crank}, which it is part of");
        CommitCrank();
        _vat = null;
        return new WorkerEvicted(VatId);
    }

    private DeliveryReply Deliver(long crank, KernelDelivery kd, VatTranslator translator)
    {
        RequireLive();
        VatDelivery? vd;
        try
        {
            vd = translator.TranslateDelivery(kd);
        }
        catch (KernelPanicException e)
        {
            return Reply(crank, DeliveryStatus.KernelPanic, e.Message, translator);
        }
        if (vd is null) return Reply(crank, DeliveryStatus.Skipped, null, translator);
        // a worker not in memory is rebuilt from its transcript: one that cannot be read is the kernel's fault (damaged
        // storage), never the vat's, so it panics the kernel rather than terminating the vat
        List<TranscriptEntry>? span = null;
        if (_vat is null && vd is not StartVatDelivery)
        {
            try
            {
                span = _transcript.Span(Keeper.IncarnationNumber);
            }
            catch (Exception e)
            {
                return Reply(crank, DeliveryStatus.KernelPanic, $"the transcript of {VatId} cannot be read: {e.Message}", translator);
            }
        }
        var syscalls = new SyscallHandler(this, translator);
        IReadOnlyList<string>? rebuiltImports = null;
        try
        {
            _ranCode = true;
            // the worker is built on the incarnation's first delivery, or rebuilt from its transcript
            if (_vat is null && BuildWorker(span, out rebuiltImports) is { } divergence) return Reply(crank, DeliveryStatus.DeliveryError, divergence, translator);
            _vat!.Deliver(vd, syscalls);
        }
        catch (Exception e) when (syscalls.Illegal is null)
        {
            return Reply(crank, DeliveryStatus.DeliveryError, $"{e.GetType().Name}: {e.Message}", translator);
        }
        catch (Exception) when (syscalls.Illegal is not null)
        {
            // the illegal syscall is what counts, whatever the vat did after it
        }
        finally
        {
            // its syscalls are this delivery's: a vat that keeps the object and calls it later changes nothing
            syscalls.Closed = true;
        }
        if (syscalls.Illegal is { } problem) return Reply(crank, DeliveryStatus.IllegalSyscall, problem, translator);
        _transcript.Append(Keeper.IncarnationNumber, new TranscriptEntry(vd, syscalls.Recorded, rebuiltImports));
        return Reply(crank, DeliveryStatus.Ok, null, translator);
    }

    /// <summary>
    /// Builds the incarnation's worker from its bundle (a bundle that fails to build fails the delivery). Before any
    /// delivery but the incarnation's startVat, its transcript (<paramref name="span"/>; null for a startVat) is
    /// replayed into it; a divergence is returned and the worker is not kept. State stored before transcripts were
    /// kept has none: that worker starts from its vatstore, told of its reachable imports, which are returned in
    /// <paramref name="rebuiltImports"/> for the delivery's transcript entry, so that every later rebuild (after an
    /// eviction, an abort or a restart) starts the worker the same way before replaying what followed.
    /// </summary>
    private string? BuildWorker(List<TranscriptEntry>? span, out IReadOnlyList<string>? rebuiltImports)
    {
        rebuiltImports = null;
        var worker = _bundles.Create(_bundleName);
        if (span is { Count: 0 })
        {
            rebuiltImports = [.. Keeper.EntriesByVref().Where(e => e.Reachable && e.Vref.StartsWith("o-", StringComparison.Ordinal)).Select(e => e.Vref)];
            if (worker is IRebuiltVat rebuilt) rebuilt.Rebuilt(rebuiltImports);
        }
        else if (span is not null && TranscriptReplay.Replay(VatId, _transcript.EndPosition - span.Count, worker, span) is { } divergence)
        {
            return divergence;
        }
        _vat = worker;
        return null;
    }

    private DeliveryReply Reply(long crank, DeliveryStatus status, string? problem, VatTranslator t) =>
        new(VatId, crank, status, problem, t.Effects, t.NextObjectId, t.NextPromiseId);

    /// <summary>The syscall object handed to the raw vat for one delivery.</summary>
    private sealed class SyscallHandler(VatHost host, VatTranslator t) : IVatSyscalls, IVatAdminSyscalls
    {
        public string? Illegal { get; private set; }

        /// <summary>Set once the delivery is over; a syscall after that throws, with no effect and no record.</summary>
        public bool Closed { get; set; }

        private T Guard<T>(Func<T> translate)
        {
            if (Closed) throw new InvalidOperationException(TranscriptReplay.SyscallAfterDelivery);
            if (Illegal is not null) throw new IllegalSyscallException("vat already made an illegal syscall: " + Illegal);
            try
            {
                return translate();
            }
            catch (IllegalSyscallException e)
            {
                Illegal = e.Message;
                throw;
            }
            catch (Exception e) when (e is ArgumentException or FormatException or NullReferenceException)
            {
                Illegal = e.Message;
                throw new IllegalSyscallException(e.Message);
            }
        }

        /// <summary>The syscalls made so far that the kernel will see, as the transcript records them.</summary>
        public List<RecordedSyscall> Recorded { get; } = [];

        /// <summary>
        /// Translates a syscall for the kernel; once it passed, <paramref name="call"/> is recorded for the transcript
        /// (written out later, so lists the vat passed are copied into it: the vat may change them afterwards).
        /// </summary>
        private void Record(SyscallCall call, Func<KernelSyscall> translate)
        {
            Guard(() =>
            {
                var ks = translate();
                t.Effects.Add(VatEffect.Of(ks));
                return ks;
            });
            Recorded.Add(new RecordedSyscall(call, null));
        }

        public void Send(string target, VCapData methargs, string? result = null) =>
            Record(new("send", target, methargs, result), () => t.TranslateSend(target, methargs, result));
        public void Resolve(IReadOnlyList<VatResolution> resolutions) => Record(new("resolve", resolutions.ToArray()), () => t.TranslateResolve(resolutions));
        public void Subscribe(string vpid) => Record(new("subscribe", vpid), () => t.TranslateSubscribe(vpid));
        public void MarkPromiseDurable(string vpid) => Record(new("markPromiseDurable", vpid), () => t.TranslateMarkDurable(vpid));
        public void CallVatAdmin(VCapData operation, string result) => Record(new("callVatAdmin", operation, result), () => t.TranslateVatAdmin(operation, result));
        public void Exit(bool isFailure, VCapData info) => Record(new("exit", isFailure, info), () => t.TranslateExit(isFailure, info));
        public void DropImports(IReadOnlyList<string> vrefs) => Record(new("dropImports", vrefs.ToArray()), () => t.TranslateGcSyscall("dropImports", vrefs));
        public void RetireImports(IReadOnlyList<string> vrefs) => Record(new("retireImports", vrefs.ToArray()), () => t.TranslateGcSyscall("retireImports", vrefs));
        public void RetireExports(IReadOnlyList<string> vrefs) => Record(new("retireExports", vrefs.ToArray()), () => t.TranslateGcSyscall("retireExports", vrefs));
        public void AbandonExports(IReadOnlyList<string> vrefs) => Record(new("abandonExports", vrefs.ToArray()), () => t.TranslateGcSyscall("abandonExports", vrefs));

        public string? VatstoreGet(string key)
        {
            var value = Guard(() =>
            {
                CheckKey(key);
                t.Effects.Add(VatEffect.Of(new VatstoreSyscall("get")));
                return host.Keeper.VatstoreGet(key);
            });
            Recorded.Add(new RecordedSyscall(new SyscallCall("vatstoreGet", key), value));
            return value;
        }

        public void VatstoreSet(string key, string value)
        {
            Guard(() =>
            {
                CheckKey(key);
                if (value is null) throw new IllegalSyscallException("vatstoreSet() needs a string value");
                CheckText("vatstoreSet() value", value);
                host.Keeper.VatstoreSet(key, value);
                t.Effects.Add(VatEffect.Of(new VatstoreSyscall("set")));
                return true;
            });
            Recorded.Add(new RecordedSyscall(new SyscallCall("vatstoreSet", key, value), null));
        }

        public void VatstoreDelete(string key)
        {
            Guard(() =>
            {
                CheckKey(key);
                host.Keeper.VatstoreDelete(key);
                t.Effects.Add(VatEffect.Of(new VatstoreSyscall("delete")));
                return true;
            });
            Recorded.Add(new RecordedSyscall(new SyscallCall("vatstoreDelete", key), null));
        }

        public string? VatstoreGetNextKey(string priorKey)
        {
            var next = Guard(() =>
            {
                if (priorKey is null) throw new IllegalSyscallException("vatstoreGetNextKey() needs a string key");
                CheckText("a vatstore key", priorKey);
                t.Effects.Add(VatEffect.Of(new VatstoreSyscall("getNextKey")));
                return host.Keeper.VatstoreGetNextKey(priorKey);
            });
            Recorded.Add(new RecordedSyscall(new SyscallCall("vatstoreGetNextKey", priorKey), next));
            return next;
        }

        private static void CheckKey(string key)
        {
            if (string.IsNullOrEmpty(key)) throw new IllegalSyscallException("vatstore keys must be non-empty strings");
            CheckText("a vatstore key", key);
        }

        /// <summary>
        /// Vatstore text must be well-formed UTF-16: a lone surrogate cannot be written as JSON or UTF-8 (the
        /// transcript, the stores), so it would come back as another text, and a replay would diverge where the
        /// delivery did not. Refused when made, with where it is.
        /// </summary>
        private static void CheckText(string what, string text)
        {
            for (var i = text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF'); i >= 0 && i < text.Length; i++)
            {
                if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
                else if (char.IsSurrogate(text[i])) throw new IllegalSyscallException($"{what} must be well-formed text: a lone surrogate at index {i}");
            }
        }
    }
}
