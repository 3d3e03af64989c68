using ActorSwingSet.Kernel.Crank;
using ActorSwingSet.Kernel.State;
using ActorSwingSet.Vat.Messages;

namespace ActorSwingSet.Kernel.Handlers;

/// <summary>
/// A dynamic vat's creation and a vat's termination, the run-queue events and the termination a crank result asks
/// for. (An upgrade is <see cref="UpgradeHandler"/>'s.)
/// </summary>
internal sealed class VatLifecycleHandler(ICrankContext context, VatReplyApplier replies, VatAdminBridge vatAdmin) : ICrankHandler, IVatTerminator
{
    public ValueTask<CrankResult> HandleAsync(KernelEvent ev) => ev switch
    {
        CreateVatEvent c => CreateAsync(c),
        TerminateVatEvent t => ValueTask.FromResult(Terminate(t)),
        _ => throw new KernelPanicException($"{ev.Type} is not a vat creation or termination"),
    };

    private async ValueTask<CrankResult> CreateAsync(CreateVatEvent c)
    {
        var K = context.Keeper;
        K.ReleaseEvent(c);
        if (!context.Bundles.Contains(c.BundleName))
        {
            K.ResolveByKernel(c.Result, true, KCapData.Of(SmallCaps.Error($"no vat bundle named '{c.BundleName}'")));
            return CrankResult.Commit;
        }
        var root = context.CreateVatHost(c.VatId, c.BundleName, c.EnablePipelining);
        K.PutVat(new VatRecord(c.VatId, null, true, c.BundleName, c.EnablePipelining, KCapData.Of("#null"), root));
        K.SetVatParameters(c.VatId, c.VatParameters);
        K.AddDynamicId(c.VatId);
        var reply = await context.DeliverAsync(c.VatId, new KStartVat(c.VatParameters)).ConfigureAwait(false);
        var outcome = replies.ApplyReply(c.VatId, reply);
        if (outcome.Unwinds)
        {
            // the vat never existed: the whole crank is unwound and the event consumed, not retried
            var problem = outcome.Problem ?? "the vat exited during startVat";
            context.Listener?.VatCreationFailed(c.VatId, c.BundleName, problem);
            return new CrankResult
            {
                Abort = CrankAbort.Consume,
                Settle = new KernelSettlement(c.Result, true, KCapData.Of(SmallCaps.Error($"vat creation failed: {problem}"))),
            };
        }
        K.IncStat(KernelStat.DeliverStartVat);
        K.IncStat(KernelStat.VatsCreated);
        context.Listener?.VatCreated(c.VatId, null, c.BundleName);
        var record = new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["root"] = new SlotRef(0, false, "root"),
            ["vatID"] = c.VatId,
        };
        K.ResolveByKernel(c.Result, false, KCapData.Of(SmallCaps.Encode(record), root));
        // a clean exit during startVat keeps what startVat did: the vat is created, then terminated
        return outcome.Exit is { } exit ? new CrankResult { Terminate = new CrankTermination(c.VatId, false, exit.Info) } : CrankResult.Commit;
    }

    private CrankResult Terminate(TerminateVatEvent t)
    {
        var K = context.Keeper;
        K.ReleaseEvent(t);
        if (!K.IsAlive(t.VatId))
            return new CrankResult { Settle = new KernelSettlement(t.Result, true, KCapData.Of(SmallCaps.Error($"vat {t.VatId} is not alive"))) };
        return new CrankResult
        {
            Terminate = new CrankTermination(t.VatId, t.Reject, t.Reason),
            Settle = new KernelSettlement(t.Result, false, KCapData.Of(SmallCaps.Encode(Undefined.Value))),
        };
    }

    /// <summary>
    /// Terminates a vat: it leaves the live lists, every promise it decides is rejected with
    /// <c>Error('vat terminated')</c>, its exports are orphaned and its c-list is deleted (with the decrefs).
    /// </summary>
    public async Task<bool> TerminateAsync(CrankTermination termination)
    {
        var (vatId, reject, info) = termination;
        var K = context.Keeper;
        if (!K.IsAlive(vatId)) return false;
        var reply = await context.RequestAsync(vatId, new TerminateVatRequest(K.CrankNumber)).ConfigureAwait(false);
        K.MarkTerminated(vatId, new VatTermination(reject, info.Body));
        foreach (var (vref, kref, _) in reply.Entries)
        {
            if (vref[0] != 'p') continue;
            var p = K.TryGetPromise(kref);
            if (p is { State: PromiseState.Unresolved } && p.Decider == vatId) K.ResolvePromise(kref, true, RoutingHandler.VatTerminatedError);
        }
        foreach (var (vref, kref, _) in reply.Entries)
            if (vref.StartsWith("o+", StringComparison.Ordinal) && K.OwnerOf(kref) == vatId) K.OrphanObject(kref, vatId);
        foreach (var effect in reply.Effects) K.ApplyCListChange(vatId, effect.Change);
        K.Unpin(K.Vat(vatId)!.Root);
        K.SetVatParameters(vatId, KCapData.Of("#null"));
        K.IncStat(KernelStat.VatsTerminated);
        vatAdmin.NotifyOfTermination(vatId, reject, info);
        context.Listener?.VatTerminated(vatId, reject, KernelLog.Describe(info));
        return true;
    }
}
