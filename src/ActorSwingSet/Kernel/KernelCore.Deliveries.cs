using ActorSwingSet.Kernel.State;
using ActorSwingSet.Marshal;
using ActorSwingSet.References;
using ActorSwingSet.Vat.Messages;

namespace ActorSwingSet.Kernel;

internal sealed partial class KernelCore
{
    /// <summary>What became of a delivery once the kernel applied the vat's reply.</summary>
    private readonly record struct Outcome(bool Delivered, bool Failed, string? Problem, ExitSyscall? Exit)
    {
        public static readonly Outcome NotDelivered = new(false, false, null, null);
    }

    private async Task ProcessDeliveryAsync(KernelEvent ev)
    {
        var K = Keeper;
        switch (ev)
        {
            case SendEvent s:
                await ProcessSendAsync(s).ConfigureAwait(false);
                break;
            case NotifyEvent n:
                K.ReleaseEvent(n);
                if (!K.IsAlive(n.VatId)) return;
                var p = K.GetPromise(n.Kpid);
                if (p.State == PromiseState.Unresolved) throw new KernelPanicException($"spurious notification of {n.Kpid}");
                await DeliverAndSettleAsync(n.VatId, new KNotifyDelivery(n.Kpid, KpidsToRetire(n.Kpid)), KernelStat.DeliverNotify, retryOnAbort: true).ConfigureAwait(false);
                break;
            case GcEvent g:
                if (!K.IsAlive(g.VatId)) return;
                if (g.Kind == GcDeliveryKind.RetireExports) K.DeleteRetiredExports(g.Targets);
                var stat = g.Kind switch
                {
                    GcDeliveryKind.DropExports => KernelStat.DeliverDropExports,
                    GcDeliveryKind.RetireExports => KernelStat.DeliverRetireExports,
                    _ => KernelStat.DeliverRetireImports,
                };
                await DeliverAndSettleAsync(g.VatId, new KGcDelivery(g.Kind, g.Targets), stat, retryOnAbort: true).ConfigureAwait(false);
                break;
            case BringOutYourDeadEvent b:
                if (!K.IsAlive(b.VatId)) return;
                await DeliverAndSettleAsync(b.VatId, KBringOutYourDead.Instance, KernelStat.DeliverBringOutYourDead, retryOnAbort: true, countDirt: false).ConfigureAwait(false);
                break;
            case StartVatEvent sv:
                K.ReleaseEvent(sv);
                if (!K.IsAlive(sv.VatId)) return;
                await DeliverAndSettleAsync(sv.VatId, new KStartVat(sv.VatParameters), KernelStat.DeliverStartVat, retryOnAbort: false).ConfigureAwait(false);
                break;
            case CreateVatEvent c:
                await ProcessCreateVatAsync(c).ConfigureAwait(false);
                break;
            case UpgradeVatEvent u:
                await ProcessUpgradeVatAsync(u).ConfigureAwait(false);
                break;
            case TerminateVatEvent t:
                K.ReleaseEvent(t);
                if (K.IsAlive(t.VatId))
                {
                    await TerminateVatAsync(t.VatId, t.Reject, t.Reason).ConfigureAwait(false);
                    ResolveByKernel(t.Result, false, KCapData.Of(SmallCaps.Encode(Undefined.Value)));
                }
                else
                {
                    ResolveByKernel(t.Result, true, KCapData.Of(SmallCaps.Error($"vat {t.VatId} is not alive")));
                }
                break;
            default:
                throw new KernelPanicException($"unknown run-queue event {ev.Type}");
        }
    }

    private async Task ProcessSendAsync(SendEvent s)
    {
        var K = Keeper;
        switch (RouteSend(s))
        {
            case Splat splat:
                if (s.Msg.Result is { } r) ResolveByKernel(r, true, splat.Error);
                K.ReleaseEvent(s);
                return;
            case Requeue q:
                K.AddMessageToPromiseQueue(q.Promise, s.Msg);
                return;
            case ToVat to:
                K.ReleaseEvent(s);
                if (s.Msg.Result is { } result)
                {
                    var rp = K.GetPromise(result);
                    if (rp.State != PromiseState.Unresolved) throw new KernelPanicException($"result {result} already resolved");
                    if (rp.Decider is not null) throw new KernelPanicException($"result {result} already has decider {rp.Decider}");
                    K.SetDecider(result, to.VatId);
                    if (K.Vat(to.VatId)!.EnablePipelining) K.RequeuePromiseMessages(result);
                }
                if (to.Target.IsPromise)
                {
                    var tp = K.GetPromise(to.Target);
                    if (tp.Decider != to.VatId) throw new KernelPanicException($"pipelined message to {to.Target} routed to {to.VatId}, not its decider");
                }
                await DeliverAndSettleAsync(to.VatId, new KMessageDelivery(to.Target, s.Msg), KernelStat.DeliverMessage, retryOnAbort: true).ConfigureAwait(false);
                return;
        }
    }

    /// <summary>
    /// Delivers to a vat and settles the crank's fate: a failed delivery (the vat threw, made an illegal syscall,
    /// or exited with failure) is unwound and the vat terminated; a clean exit terminates it with the delivery kept.
    /// With <paramref name="retryOnAbort"/> the event stays queued after an unwind, so it meets the dead vat next
    /// crank (a message then goes splat), as in SwingSet.
    /// </summary>
    private async Task DeliverAndSettleAsync(string vatId, KernelDelivery kd, KernelStat stat, bool retryOnAbort, bool countDirt = true)
    {
        var reply = await DeliverAsync(vatId, kd).ConfigureAwait(false);
        var outcome = ApplyReply(vatId, reply);
        if (!outcome.Delivered) return;
        Keeper.IncStat(stat);
        await SettleOutcomeAsync(vatId, outcome, retryOnAbort, countDirt).ConfigureAwait(false);
    }

    private async Task SettleOutcomeAsync(string vatId, Outcome outcome, bool retryOnAbort, bool countDirt)
    {
        var K = Keeper;
        if (outcome.Failed || outcome.Exit is { IsFailure: true })
        {
            if (retryOnAbort) AbortCrank();
            else AbortCrankAndConsume();
            var info = outcome.Exit is { IsFailure: true } exit ? exit.Info : KCapData.Of(SmallCaps.Error(outcome.Problem ?? "delivery failed"));
            if (outcome.Problem?.StartsWith("illegal syscall", StringComparison.Ordinal) == true) K.IncStat(KernelStat.IllegalSyscalls);
            await TerminateVatAsync(vatId, true, info).ConfigureAwait(false);
            return;
        }
        if (outcome.Exit is { } cleanExit)
        {
            await TerminateVatAsync(vatId, false, cleanExit.Info).ConfigureAwait(false);
            return;
        }
        if (countDirt) K.AddReapDirt(vatId, _options.ReapInterval);
        else K.ClearReapDirt(vatId);
    }

    /// <summary>Applies a vat's reply in order: c-list changes and syscalls. Stops at the first rule the kernel finds broken.</summary>
    private Outcome ApplyReply(string vatId, DeliveryReply reply)
    {
        var outcome = ApplyEffects(vatId, reply);
        _options.Slog?.DeliverResult(Keeper.CrankNumber, vatId, reply.Status, outcome.Failed ? outcome.Problem : null);
        return outcome;
    }

    private Outcome ApplyEffects(string vatId, DeliveryReply reply)
    {
        switch (reply.Status)
        {
            case DeliveryStatus.Skipped:
                return Outcome.NotDelivered;
            case DeliveryStatus.KernelPanic:
                throw new KernelPanicException($"{vatId}: {reply.Problem}");
            case DeliveryStatus.IllegalSyscall:
                return new Outcome(true, true, "illegal syscall: " + reply.Problem, null);
            case DeliveryStatus.DeliveryError:
                return new Outcome(true, true, "delivery failed: " + reply.Problem, null);
        }
        var K = Keeper;
        ExitSyscall? exit = null;
        foreach (var effect in reply.Effects)
        {
            if (effect.Syscall is null)
            {
                K.ApplyCListChange(vatId, effect.Change);
                continue;
            }
            if (effect.Syscall is not AbandonNonDurableExports)
            {
                // vatstore access is the vat's own business, and how much of it a delivery needs depends on what the
                // vat still holds in memory, which a restart empties: counting it would make the state restart-dependent
                if (effect.Syscall is not VatstoreSyscall) K.IncStat(KernelStat.Syscalls);
                _options.Slog?.Syscall(K.CrankNumber, vatId, effect.Syscall);
            }
            var problem = ExecuteSyscall(vatId, effect.Syscall, ref exit);
            if (problem is not null) return new Outcome(true, true, "illegal syscall: " + problem, null);
        }
        if (reply.NextObjectId != K.NextObjectId || reply.NextPromiseId != K.NextPromiseId)
            throw new KernelPanicException($"{vatId} used krefs up to ko{reply.NextObjectId}/kp{reply.NextPromiseId} but reported others");
        return new Outcome(true, false, null, exit);
    }

    /// <summary>Performs one translated syscall; returns why it is illegal, or null.</summary>
    private string? ExecuteSyscall(string vatId, KernelSyscall sc, ref ExitSyscall? exit)
    {
        var K = Keeper;
        switch (sc)
        {
            case SendSyscall send:
                if (send.Msg.Result is { } result)
                {
                    var rp = K.GetPromise(result);
                    if (rp.State != PromiseState.Unresolved) return $"send() result {result} is already resolved";
                    if (rp.Decider != vatId) return $"send() result {result} is decided by {rp.Decider ?? "the kernel"}, not {vatId}";
                    K.SetDecider(result, null);
                }
                K.Accept(new SendEvent(send.Target, send.Msg));
                return null;
            case ResolveSyscall resolve:
                foreach (var r in resolve.Resolutions)
                {
                    var p = K.GetPromise(r.Kpid);
                    if (p.State != PromiseState.Unresolved) return $"resolve(): {r.Kpid} was already resolved";
                    if (p.Decider != vatId) return $"resolve(): {r.Kpid} is decided by {p.Decider ?? "the kernel"}, not {vatId}";
                    DoResolve(r.Kpid, r.Rejected, r.Data);
                }
                return null;
            case SubscribeSyscall sub:
                {
                    var p = K.GetPromise(sub.Kpid);
                    if (p.State == PromiseState.Unresolved) K.AddSubscriber(sub.Kpid, vatId);
                    else K.Accept(new NotifyEvent(vatId, sub.Kpid));
                    return null;
                }
            case MarkDurableSyscall md:
                {
                    var p = K.GetPromise(md.Kpid);
                    if (p.State != PromiseState.Unresolved) return $"markPromiseDurable(): {md.Kpid} is already resolved";
                    if (p.Decider != vatId) return $"markPromiseDurable(): {md.Kpid} is decided by {p.Decider ?? "the kernel"}, not {vatId}";
                    K.MarkDurable(md.Kpid);
                    return null;
                }
            case VatAdminSyscall va:
                return ExecuteVatAdmin(vatId, va);
            case ExitSyscall e:
                exit ??= e;
                return null;
            case RetireExportsSyscall re:
                K.RetireObjects(re.Krefs);
                return null;
            case AbandonNonDurableExports upgradeAbandon:
                foreach (var ko in upgradeAbandon.Krefs) K.OrphanObject(ko, vatId);
                return null;
            case AbandonExportsSyscall ab:
                foreach (var ko in ab.Krefs)
                {
                    if (K.OwnerOf(ko) != vatId) return $"abandonExports(): {ko} is not owned by {vatId}";
                    K.OrphanObject(ko, vatId);
                }
                return null;
            case DropImportsSyscall or RetireImportsSyscall or VatstoreSyscall:
                return null;
            default:
                throw new KernelPanicException($"unknown syscall {sc.GetType().Name}");
        }
    }

    // ---------------- termination ----------------

    /// <summary>
    /// Terminates a vat: it leaves the live lists, every promise it decides is rejected with
    /// <c>Error('vat terminated')</c>, its exports are orphaned and its c-list is deleted (with the decrefs).
    /// </summary>
    private async Task TerminateVatAsync(string vatId, bool reject, KCapData info)
    {
        var K = Keeper;
        if (!K.IsAlive(vatId)) return;
        var reply = await RequestAsync(vatId, new TerminateVatRequest(K.CrankNumber)).ConfigureAwait(false);
        K.MarkTerminated(vatId, new VatTermination(reject, info.Body));
        foreach (var (vref, kref, _) in reply.Entries)
        {
            if (vref[0] != 'p') continue;
            var p = K.TryGetPromise(kref);
            if (p is { State: PromiseState.Unresolved } && p.Decider == vatId) DoResolve(kref, true, VatTerminatedError);
        }
        foreach (var (vref, kref, _) in reply.Entries)
            if (vref.StartsWith("o+", StringComparison.Ordinal) && K.OwnerOf(kref) == vatId) K.OrphanObject(kref, vatId);
        foreach (var effect in reply.Effects) K.ApplyCListChange(vatId, effect.Change);
        K.Unpin(K.Vat(vatId)!.Root);
        SetVatParameters(vatId, KCapData.Of("#null"));
        K.IncStat(KernelStat.VatsTerminated);
        NotifyVatAdminOfTermination(vatId, reject, info);
        _options.Listener?.VatTerminated(vatId, reject, KernelLog.Describe(info));
        _destroyAfterCommit.Add(vatId);
    }

    // ---------------- creation ----------------

    private async Task ProcessCreateVatAsync(CreateVatEvent c)
    {
        var K = Keeper;
        K.ReleaseEvent(c);
        if (!Bundles.Contains(c.BundleName))
        {
            ResolveByKernel(c.Result, true, KCapData.Of(SmallCaps.Error($"no vat bundle named '{c.BundleName}'")));
            return;
        }
        var root = NewVatHost(c.VatId, c.BundleName, c.EnablePipelining);
        K.PutVat(new VatRecord(c.VatId, null, true, c.BundleName, c.EnablePipelining, KCapData.Of("#null"), root));
        SetVatParameters(c.VatId, c.VatParameters);
        K.AddDynamicId(c.VatId);
        var reply = await DeliverAsync(c.VatId, new KStartVat(c.VatParameters)).ConfigureAwait(false);
        var outcome = ApplyReply(c.VatId, reply);
        if (outcome.Failed || outcome.Exit is { IsFailure: true })
        {
            AbortCrankAndConsume();
            var problem = outcome.Problem ?? "the vat exited during startVat";
            _options.Listener?.VatCreationFailed(c.VatId, c.BundleName, problem);
            ResolveByKernel(c.Result, true, KCapData.Of(SmallCaps.Error($"vat creation failed: {problem}")));
            return;
        }
        K.IncStat(KernelStat.DeliverStartVat);
        K.IncStat(KernelStat.VatsCreated);
        _options.Listener?.VatCreated(c.VatId, null, c.BundleName);
        var record = new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["root"] = new SlotRef(0, false, "root"),
            ["vatID"] = c.VatId,
        };
        ResolveByKernel(c.Result, false, KCapData.Of(SmallCaps.Encode(record), root));
        // a clean exit during startVat keeps what startVat did: the vat is created, then terminated
        if (outcome.Exit is { } exit) await TerminateVatAsync(c.VatId, false, exit.Info).ConfigureAwait(false);
    }

    /// <summary>Creates the vat's host with its root export, and the root object owned by it, pinned while the vat lives.</summary>
    private Kref NewVatHost(string vatId, string bundleName, bool enablePipelining)
    {
        var root = Keeper.AddObject(vatId);
        Keeper.ApplyCListChange(vatId, new CListChange(CListChangeKind.Reachable, root, VrefInfo.Root, true));
        Keeper.Pin(root);
        _port.CreateVat(vatId, bundleName, root, enablePipelining);
        _createdVats.Add(vatId);
        _blockVats.Add(vatId);
        return root;
    }

    /// <summary>Stores the vat's parameters; their slots are kernel-held references.</summary>
    private void SetVatParameters(string vatId, KCapData parameters)
    {
        var K = Keeper;
        var v = K.Vat(vatId)!;
        foreach (var s in parameters.Slots) K.Incref(s);
        foreach (var s in v.VatParameters.Slots) K.Decref(s);
        K.PutVat(v with { VatParameters = parameters });
    }
}
