using ActorSwingSet.Kernel.Crank;
using ActorSwingSet.Kernel.State;
using ActorSwingSet.Vat.Messages;

namespace ActorSwingSet.Kernel.Handlers;

/// <summary>
/// Vat upgrade, exactly as docs/KERNEL-SEMANTICS.md section 6 (and the fix for SwingSet #9039): one crank, two vat requests.
/// The vat's own side (deleting c-list entries, abandoning non-durable exports, building the next incarnation)
/// is <see cref="Vat.VatHost"/>'s handling of <see cref="StartIncarnationRequest"/>. With
/// <paramref name="reproduceLeakBug9039"/> the rejected promises' c-list entries are kept, as SwingSet did before the fix.
/// </summary>
internal sealed class UpgradeHandler(ICrankContext context, VatReplyApplier replies, bool reproduceLeakBug9039) : ICrankHandler
{
    public async ValueTask<CrankResult> HandleAsync(KernelEvent ev)
    {
        var u = ev as UpgradeVatEvent ?? throw new KernelPanicException($"{ev.Type} is not an upgrade");
        var K = context.Keeper;
        K.ReleaseEvent(u);
        if (!K.IsAlive(u.VatId))
            return new CrankResult { Settle = new KernelSettlement(u.Result, true, KCapData.Of(SmallCaps.Error($"vat {u.VatId} is not alive"))) };
        if (!context.Bundles.Contains(u.BundleName))
            return new CrankResult { Settle = new KernelSettlement(u.Result, true, KCapData.Of(SmallCaps.Error($"no vat bundle named '{u.BundleName}'"))) };

        // 1. bringOutYourDead to the old incarnation; a failure aborts the upgrade (the whole crank, event consumed)
        context.Slog?.Deliver(K.CrankNumber, u.VatId, KBringOutYourDead.Instance);
        var prep = await context.RequestAsync(u.VatId, new PrepareUpgradeRequest(K.CrankNumber, K.NextObjectId, K.NextPromiseId)).ConfigureAwait(false);
        var boyd = replies.ApplyReply(u.VatId, prep.Boyd);
        if (boyd.Failed || boyd.Exit is not null)
            return Failed(u, "bringOutYourDead to the old incarnation: " + (boyd.Problem ?? "the vat exited"), new CrankResult { Abort = CrankAbort.Consume });
        K.IncStat(KernelStat.DeliverBringOutYourDead);
        K.ClearReapDirt(u.VatId);

        // 2-3. reject every (ephemeral) promise the vat decides; drop its c-list entry unless it subscribed to its own promise
        var disconnection = UpgradeDisconnection(u.UpgradeMessage, prep.IncarnationNumber);
        var deleteNow = new List<Kref>();
        foreach (var (_, kpid) in prep.PromiseEntries)
        {
            var p = K.GetPromise(kpid);
            // a promise the vat marked durable (section 8) survives: unresolved, still in the c-list
            if (p.State != PromiseState.Unresolved || p.Decider != u.VatId || p.Durable) continue;
            var selfSubscribed = p.Subscribers.Contains(u.VatId);
            K.ResolvePromise(kpid, true, disconnection);
            if (!selfSubscribed && !reproduceLeakBug9039) deleteNow.Add(kpid);
        }

        // 4-5. the vat deletes those entries, abandons non-durable exports, starts the next incarnation
        context.Slog?.Deliver(K.CrankNumber, u.VatId, new KStartVat(u.VatParameters));
        var start = await context.RequestAsync(u.VatId,
            new StartIncarnationRequest(K.CrankNumber, deleteNow, u.BundleName, u.VatParameters, K.NextObjectId, K.NextPromiseId)).ConfigureAwait(false);
        var started = replies.ApplyReply(u.VatId, start);
        if (started.Failed || started.Exit is not null)
        {
            // 6. a startVat that fails unwinds the whole upgrade, its bringOutYourDead included: no promise rejected,
            // no entry deleted, and the old incarnation's worker, which saw the bringOutYourDead, is rebuilt from its
            // transcript (the vat drops it when the crank is aborted), so nothing of the attempt is left
            return Failed(u, "startVat of the new incarnation: " + (started.Problem ?? "the vat exited"),
                new CrankResult { Abort = CrankAbort.Consume });
        }
        K.IncStat(KernelStat.DeliverStartVat);

        // 7. report success
        K.PutVat(K.Vat(u.VatId)! with { BundleName = u.BundleName });
        K.SetVatParameters(u.VatId, u.VatParameters);
        K.IncStat(KernelStat.UpgradesSucceeded);
        context.Listener?.VatUpgraded(u.VatId, u.BundleName, prep.IncarnationNumber + 1);
        var result = new SortedDictionary<string, object?>(StringComparer.Ordinal) { ["incarnationNumber"] = prep.IncarnationNumber + 1 };
        K.ResolveByKernel(u.Result, false, KCapData.Of(SmallCaps.Encode(result)));
        return CrankResult.Commit;
    }

    /// <summary>SwingSet's disconnection object: <c>{name: 'vatUpgraded', upgradeMessage, incarnationNumber}</c>.</summary>
    internal static KCapData UpgradeDisconnection(string upgradeMessage, long oldIncarnation) =>
        KCapData.Of(SmallCaps.Encode(new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["incarnationNumber"] = oldIncarnation,
            ["name"] = "vatUpgraded",
            ["upgradeMessage"] = upgradeMessage,
        }));

    /// <summary>A failed upgrade: <paramref name="unwind"/> undoes it, then it is counted and its promise rejected.</summary>
    private CrankResult Failed(UpgradeVatEvent u, string problem, CrankResult unwind)
    {
        context.Listener?.VatUpgradeFailed(u.VatId, u.BundleName, problem);
        return unwind with
        {
            Stat = KernelStat.UpgradesFailed,
            Settle = new KernelSettlement(u.Result, true, KCapData.Of(SmallCaps.Error("vat-upgrade failure"))),
        };
    }
}
