using ActorSwingSet.Kernel.Crank;
using ActorSwingSet.Kernel.State;

namespace ActorSwingSet.Kernel.Handlers;

/// <summary>
/// The deliveries to a vat: a message, a notify, the GC deliveries, bringOutYourDead and a static vat's startVat.
/// Each makes one delivery and returns <see cref="DeliveryCrankResults"/> of what the vat did.
/// </summary>
internal sealed class DeliveryHandler(ICrankContext context, RoutingHandler routing, VatReplyApplier replies) : ICrankHandler
{
    public ValueTask<CrankResult> HandleAsync(KernelEvent ev) => ev switch
    {
        SendEvent s => SendAsync(s),
        NotifyEvent n => NotifyAsync(n),
        GcEvent g => GcAsync(g),
        BringOutYourDeadEvent b => BringOutYourDeadAsync(b),
        StartVatEvent sv => StartVatAsync(sv),
        _ => throw new KernelPanicException($"{ev.Type} is not a delivery"),
    };

    private ValueTask<CrankResult> SendAsync(SendEvent s)
    {
        var K = context.Keeper;
        switch (routing.RouteSend(s))
        {
            case Splat splat:
                if (s.Msg.Result is { } r) K.ResolveByKernel(r, true, splat.Error);
                K.ReleaseEvent(s);
                return ValueTask.FromResult(CrankResult.Commit);
            case Requeue q:
                K.AddMessageToPromiseQueue(q.Promise, s.Msg);
                return ValueTask.FromResult(CrankResult.Commit);
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
                return DeliverAsync(to.VatId, new KMessageDelivery(to.Target, s.Msg), KernelStat.DeliverMessage, consumeOnAbort: false);
            default:
                throw new KernelPanicException($"no route for a send to {s.Target}");
        }
    }

    private ValueTask<CrankResult> NotifyAsync(NotifyEvent n)
    {
        var K = context.Keeper;
        K.ReleaseEvent(n);
        if (!K.IsAlive(n.VatId)) return ValueTask.FromResult(CrankResult.Commit);
        var p = K.GetPromise(n.Kpid);
        if (p.State == PromiseState.Unresolved) throw new KernelPanicException($"spurious notification of {n.Kpid}");
        return DeliverAsync(n.VatId, new KNotifyDelivery(n.Kpid, KpidsToRetire(n.Kpid)), KernelStat.DeliverNotify, consumeOnAbort: false);
    }

    private ValueTask<CrankResult> GcAsync(GcEvent g)
    {
        var K = context.Keeper;
        if (!K.IsAlive(g.VatId)) return ValueTask.FromResult(CrankResult.Commit);
        if (g.Kind == GcDeliveryKind.RetireExports) K.DeleteRetiredExports(g.Targets);
        var stat = g.Kind switch
        {
            GcDeliveryKind.DropExports => KernelStat.DeliverDropExports,
            GcDeliveryKind.RetireExports => KernelStat.DeliverRetireExports,
            _ => KernelStat.DeliverRetireImports,
        };
        return DeliverAsync(g.VatId, new KGcDelivery(g.Kind, g.Targets), stat, consumeOnAbort: false);
    }

    private ValueTask<CrankResult> BringOutYourDeadAsync(BringOutYourDeadEvent b)
    {
        if (!context.Keeper.IsAlive(b.VatId)) return ValueTask.FromResult(CrankResult.Commit);
        return DeliverAsync(b.VatId, KBringOutYourDead.Instance, KernelStat.DeliverBringOutYourDead, consumeOnAbort: false, clearsDirt: true);
    }

    private ValueTask<CrankResult> StartVatAsync(StartVatEvent sv)
    {
        var K = context.Keeper;
        K.ReleaseEvent(sv);
        if (!K.IsAlive(sv.VatId)) return ValueTask.FromResult(CrankResult.Commit);
        return DeliverAsync(sv.VatId, new KStartVat(sv.VatParameters), KernelStat.DeliverStartVat, consumeOnAbort: true);
    }

    private async ValueTask<CrankResult> DeliverAsync(string vatId, KernelDelivery kd, KernelStat stat, bool consumeOnAbort, bool clearsDirt = false)
    {
        var reply = await context.DeliverAsync(vatId, kd).ConfigureAwait(false);
        return DeliveryCrankResults(vatId, replies.ApplyReply(vatId, reply), stat, consumeOnAbort, clearsDirt);
    }

    /// <summary>
    /// The crank's result from a delivery's outcome (SwingSet's deliveryCrankResults). A failed delivery (the vat
    /// threw, made an illegal syscall, or exited with failure) unwinds the crank and terminates the vat with a
    /// rejection; unless <paramref name="consumeOnAbort"/>, its event stays queued and meets the dead vat next crank (a
    /// message then goes splat). A clean exit terminates the vat with the delivery kept. Otherwise the delivery is
    /// counted and leaves reap dirt (bringOutYourDead, <paramref name="clearsDirt"/>, clears it).
    /// </summary>
    internal static CrankResult DeliveryCrankResults(string vatId, DeliveryOutcome outcome, KernelStat stat, bool consumeOnAbort, bool clearsDirt)
    {
        if (!outcome.Delivered) return CrankResult.Commit;
        if (outcome.Unwinds)
        {
            var info = outcome.Exit is { IsFailure: true } exit ? exit.Info : KCapData.Of(SmallCaps.Error(outcome.Problem ?? "delivery failed"));
            var illegal = outcome.Problem?.StartsWith("illegal syscall", StringComparison.Ordinal) == true;
            return new CrankResult
            {
                Abort = consumeOnAbort ? CrankAbort.Consume : CrankAbort.Retry,
                Stat = illegal ? KernelStat.IllegalSyscalls : null,
                Terminate = new CrankTermination(vatId, true, info),
            };
        }
        if (outcome.Exit is { } cleanExit)
            return new CrankResult { Stat = stat, Terminate = new CrankTermination(vatId, false, cleanExit.Info) };
        return new CrankResult { Stat = stat, Dirt = new ReapDirt(vatId, clearsDirt) };
    }

    /// <summary>The promise and every settled promise reachable through resolution data (SwingSet's getKpidsToRetire).</summary>
    private List<KResolution> KpidsToRetire(Kref root)
    {
        var K = context.Keeper;
        var seen = new HashSet<Kref>();
        var order = new List<KResolution>();
        void Scan(Kref kpid, IKernelPromise p)
        {
            seen.Add(kpid);
            order.Add(new KResolution(kpid, p.State == PromiseState.Rejected, p.Data!));
            foreach (var slot in p.Data!.Slots)
            {
                if (!slot.IsPromise || seen.Contains(slot)) continue;
                var sp = K.GetPromise(slot);
                if (sp.State != PromiseState.Unresolved) Scan(slot, sp);
            }
        }
        Scan(root, K.GetPromise(root));
        return order;
    }
}
