using ActorSwingSet.Kernel;
using ActorSwingSet.Marshal;
using ActorSwingSet.References;
using ActorSwingSet.Translation;
using ActorSwingSet.Vat.Messages;
using ActorSwingSet.Vat.State;

namespace ActorSwingSet.Vat;

/// <summary>
/// Everything a vat actor does, as a plain class: it owns the vat's <see cref="VatKeeper"/> and the running
/// incarnation's <see cref="IRawVat"/>, answers <see cref="VatRequest"/>s, and keeps an undo journal for the open
/// crank. The actor (<see cref="VatActor"/>) only moves messages; tests can drive this class directly.
/// </summary>
internal sealed class VatHost
{
    private readonly VatBundleRegistry _bundles;
    private readonly bool _enablePipelining;
    private IRawVat? _vat;
    private string _bundleName;
    private long _openCrank = -1;
    private (IRawVat? Vat, string Bundle, bool Terminated) _saved;
    private (VatKeeper.Savepoint Point, IRawVat? Vat, string Bundle)? _beforeIncarnation;

    public VatHost(string vatId, string bundleName, Kref root, bool enablePipelining, VatBundleRegistry bundles)
    {
        _bundles = bundles;
        _enablePipelining = enablePipelining;
        Keeper = new VatKeeper(vatId);
        _bundleName = bundleName;
        // the root object o+0 is exported from the start, so the host can address it before startVat
        var sink = new List<VatEffect>();
        Keeper.AddEntry(root, VrefInfo.Root, true, sink);
        Keeper.SetReachable(root, true, sink);
    }

    /// <summary>A vat host for a vat restored from stored state; its code is built afresh on its next delivery.</summary>
    public VatHost(VatKeeper keeper, string bundleName, bool enablePipelining, VatBundleRegistry bundles)
    {
        _bundles = bundles;
        _enablePipelining = enablePipelining;
        Keeper = keeper;
        _bundleName = bundleName;
    }

    public VatKeeper Keeper { get; }
    public string VatId => Keeper.VatId;
    public bool Terminated { get; private set; }

    public object Handle(VatRequest request)
    {
        if (request is DumpVatRequest) return new VatDumpReply(VatId, [.. Keeper.Dump()]);
        if (request is TakeVatBlockDelta)
        {
            Keeper.CommitCrank();
            _openCrank = -1;
            return new VatBlockDelta(VatId, Keeper.TakeBlockDelta());
        }
        if (request is ListPromiseEntries) return new PromiseEntriesReply(VatId, Keeper.PromiseEntriesByVref());
        if (request is AbortCrank abort)
        {
            Abort(abort.Crank);
            return abort;
        }
        if (request is AbortIncarnation undo)
        {
            AbortIncarnation(undo.Crank);
            return undo;
        }
        OpenCrank(request.Crank);
        return request switch
        {
            DeliverRequest d => Deliver(d.Crank, d.Delivery, new VatTranslator(Keeper, _enablePipelining, d.NextObjectId, d.NextPromiseId)),
            PrepareUpgradeRequest p => PrepareUpgrade(p),
            StartIncarnationRequest s => StartIncarnation(s),
            TerminateVatRequest t => Terminate(t),
            _ => throw new ArgumentException($"unknown vat request {request.GetType().Name}"),
        };
    }

    private void OpenCrank(long crank)
    {
        if (crank == _openCrank) return;
        Keeper.CommitCrank();
        Keeper.BeginCrank();
        _openCrank = crank;
        _saved = (_vat, _bundleName, Terminated);
    }

    private void Abort(long crank)
    {
        if (crank != _openCrank) return;
        Keeper.RollbackCrank();
        (_vat, _bundleName, Terminated) = _saved;
        _openCrank = -1;
    }

    /// <summary>Back to the old incarnation as it was after its upgrade-time bringOutYourDead.</summary>
    private void AbortIncarnation(long crank)
    {
        if (crank != _openCrank || _beforeIncarnation is not { } before) return;
        Keeper.RollbackTo(before.Point);
        (_vat, _bundleName) = (before.Vat, before.Bundle);
        _beforeIncarnation = null;
    }

    private DeliveryReply Deliver(long crank, KernelDelivery kd, VatTranslator translator)
    {
        if (Terminated) throw new InvalidOperationException($"{VatId} is terminated");
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
        var syscalls = new SyscallHandler(this, translator);
        try
        {
            // each incarnation's code is built on its first delivery, so a bundle that fails to build fails that delivery
            if (_vat is null)
            {
                _vat = _bundles.Create(_bundleName);
                // code built for anything but startVat is code rebuilt after a restart
                if (vd is not StartVatDelivery && _vat is IRebuiltVat rebuilt)
                    rebuilt.Rebuilt([.. Keeper.EntriesByVref().Where(e => e.Reachable && e.Vref.StartsWith("o-", StringComparison.Ordinal)).Select(e => e.Vref)]);
            }
            _vat.Deliver(vd, syscalls);
        }
        catch (Exception e) when (syscalls.Illegal is null)
        {
            return Reply(crank, DeliveryStatus.DeliveryError, $"{e.GetType().Name}: {e.Message}", translator);
        }
        catch (Exception) when (syscalls.Illegal is not null)
        {
            // the illegal syscall is what counts, whatever the vat did after it
        }
        if (syscalls.Illegal is { } problem) return Reply(crank, DeliveryStatus.IllegalSyscall, problem, translator);
        return Reply(crank, DeliveryStatus.Ok, null, translator);
    }

    private DeliveryReply Reply(long crank, DeliveryStatus status, string? problem, VatTranslator t) =>
        new(VatId, crank, status, problem, t.Effects, t.NextObjectId, t.NextPromiseId);

    private PrepareUpgradeReply PrepareUpgrade(PrepareUpgradeRequest p)
    {
        var boyd = Deliver(p.Crank, KBringOutYourDead.Instance, new VatTranslator(Keeper, _enablePipelining, p.NextObjectId, p.NextPromiseId));
        return new PrepareUpgradeReply(boyd, Keeper.IncarnationNumber, Keeper.PromiseEntriesByVref());
    }

    private DeliveryReply StartIncarnation(StartIncarnationRequest s)
    {
        var translator = new VatTranslator(Keeper, _enablePipelining, s.NextObjectId, s.NextPromiseId);
        _beforeIncarnation = (Keeper.Mark(), _vat, _bundleName);
        foreach (var kpid in s.DeleteKpids) Keeper.DeleteEntry(kpid, translator.Effects);
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
        _bundleName = s.BundleName;
        return Deliver(s.Crank, new KStartVat(s.VatParameters), translator);
    }

    private TerminateVatReply Terminate(TerminateVatRequest t)
    {
        var entries = Keeper.EntriesByVref();
        var effects = new List<VatEffect>();
        foreach (var (_, kref, _) in entries) Keeper.DeleteEntry(kref, effects);
        Terminated = true;
        return new TerminateVatReply(VatId, t.Crank, entries, effects);
    }

    /// <summary>The syscall object handed to the raw vat for one delivery.</summary>
    private sealed class SyscallHandler(VatHost host, VatTranslator t) : IVatSyscalls, IVatAdminSyscalls
    {
        public string? Illegal { get; private set; }

        private T Guard<T>(Func<T> translate)
        {
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

        private void Record(Func<KernelSyscall> translate) =>
            Guard(() =>
            {
                var ks = translate();
                t.Effects.Add(VatEffect.Of(ks));
                return ks;
            });

        public void Send(string target, VCapData methargs, string? result = null) => Record(() => t.TranslateSend(target, methargs, result));
        public void Resolve(IReadOnlyList<VatResolution> resolutions) => Record(() => t.TranslateResolve(resolutions));
        public void Subscribe(string vpid) => Record(() => t.TranslateSubscribe(vpid));
        public void MarkPromiseDurable(string vpid) => Record(() => t.TranslateMarkDurable(vpid));
        public void CallVatAdmin(VCapData operation, string result) => Record(() => t.TranslateVatAdmin(operation, result));
        public void Exit(bool isFailure, VCapData info) => Record(() => t.TranslateExit(isFailure, info));
        public void DropImports(IReadOnlyList<string> vrefs) => Record(() => t.TranslateGcSyscall("dropImports", vrefs));
        public void RetireImports(IReadOnlyList<string> vrefs) => Record(() => t.TranslateGcSyscall("retireImports", vrefs));
        public void RetireExports(IReadOnlyList<string> vrefs) => Record(() => t.TranslateGcSyscall("retireExports", vrefs));
        public void AbandonExports(IReadOnlyList<string> vrefs) => Record(() => t.TranslateGcSyscall("abandonExports", vrefs));

        public string? VatstoreGet(string key) => Guard(() =>
        {
            CheckKey(key);
            t.Effects.Add(VatEffect.Of(new VatstoreSyscall("get")));
            return host.Keeper.VatstoreGet(key);
        });

        public void VatstoreSet(string key, string value) => Guard(() =>
        {
            CheckKey(key);
            if (value is null) throw new IllegalSyscallException("vatstoreSet() needs a string value");
            host.Keeper.VatstoreSet(key, value);
            t.Effects.Add(VatEffect.Of(new VatstoreSyscall("set")));
            return true;
        });

        public void VatstoreDelete(string key) => Guard(() =>
        {
            CheckKey(key);
            host.Keeper.VatstoreDelete(key);
            t.Effects.Add(VatEffect.Of(new VatstoreSyscall("delete")));
            return true;
        });

        public string? VatstoreGetNextKey(string priorKey) => Guard(() =>
        {
            if (priorKey is null) throw new IllegalSyscallException("vatstoreGetNextKey() needs a string key");
            t.Effects.Add(VatEffect.Of(new VatstoreSyscall("getNextKey")));
            return host.Keeper.VatstoreGetNextKey(priorKey);
        });

        private static void CheckKey(string key)
        {
            if (string.IsNullOrEmpty(key)) throw new IllegalSyscallException("vatstore keys must be non-empty strings");
        }
    }
}
