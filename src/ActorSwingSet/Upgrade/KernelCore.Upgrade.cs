using ActorSwingSet.Kernel.State;
using ActorSwingSet.Marshal;
using ActorSwingSet.References;
using ActorSwingSet.Translation;
using ActorSwingSet.Vat.Messages;

namespace ActorSwingSet.Kernel;

/// <summary>
/// Vat upgrade, exactly as docs/KERNEL-SEMANTICS.md section 6 (and the fix for SwingSet #9039): one crank, two vat requests.
/// The vat's own side (deleting c-list entries, abandoning non-durable exports, building the next incarnation)
/// is <see cref="Vat.VatHost"/>'s handling of <see cref="StartIncarnationRequest"/>.
/// </summary>
internal sealed partial class KernelCore
{
    private async Task ProcessUpgradeVatAsync(UpgradeVatEvent u)
    {
        var K = Keeper;
        K.ReleaseEvent(u);
        if (!K.IsAlive(u.VatId))
        {
            ResolveByKernel(u.Result, true, KCapData.Of(SmallCaps.Error($"vat {u.VatId} is not alive")));
            return;
        }
        if (!Bundles.Contains(u.BundleName))
        {
            ResolveByKernel(u.Result, true, KCapData.Of(SmallCaps.Error($"no vat bundle named '{u.BundleName}'")));
            return;
        }

        // 1. bringOutYourDead to the old incarnation; a failure aborts the upgrade
        _options.Slog?.Deliver(K.CrankNumber, u.VatId, KBringOutYourDead.Instance);
        var prep = await RequestAsync(u.VatId, new PrepareUpgradeRequest(K.CrankNumber, K.NextObjectId, K.NextPromiseId)).ConfigureAwait(false);
        var boyd = ApplyReply(u.VatId, prep.Boyd);
        if (boyd.Failed || boyd.Exit is not null)
        {
            FailUpgrade(u, "bringOutYourDead to the old incarnation: " + (boyd.Problem ?? "the vat exited"));
            return;
        }
        K.IncStat(KernelStat.DeliverBringOutYourDead);
        K.ClearReapDirt(u.VatId);
        // A failure from here on unwinds to this point, not to the crank's start: the old incarnation's memory has
        // seen its bringOutYourDead (workers are not rebuilt from a transcript), so its effects stand with it.
        var afterBoyd = K.Mark();

        // 2-3. reject every (ephemeral) promise the vat decides; drop its c-list entry unless it subscribed to its own promise
        var disconnection = UpgradeDisconnection(u.UpgradeMessage, prep.IncarnationNumber);
        var deleteNow = new List<Kref>();
        foreach (var (_, kpid) in prep.PromiseEntries)
        {
            var p = K.GetPromise(kpid);
            // a promise the vat marked durable (section 8) survives: unresolved, still in the c-list
            if (p.State != PromiseState.Unresolved || p.Decider != u.VatId || p.Durable) continue;
            var selfSubscribed = p.Subscribers.Contains(u.VatId);
            DoResolve(kpid, true, disconnection);
            if (!selfSubscribed && !_options.ReproduceUpgradeLeakBug9039) deleteNow.Add(kpid);
        }

        // 4-5. the vat deletes those entries, abandons non-durable exports, starts the next incarnation
        _options.Slog?.Deliver(K.CrankNumber, u.VatId, new KStartVat(u.VatParameters));
        var start = await RequestAsync(u.VatId,
            new StartIncarnationRequest(K.CrankNumber, deleteNow, u.BundleName, u.VatParameters, K.NextObjectId, K.NextPromiseId)).ConfigureAwait(false);
        var started = ApplyReply(u.VatId, start);
        if (started.Failed || started.Exit is not null)
        {
            // 6. a startVat that fails unwinds the upgrade: no promise rejected, no entry deleted, old incarnation kept
            K.RollbackTo(afterBoyd);
            _port.Tell(u.VatId, new AbortIncarnation(K.CrankNumber));
            K.IncStat(KernelStat.UpgradesFailed);
            _options.Listener?.VatUpgradeFailed(u.VatId, u.BundleName, "startVat of the new incarnation: " + (started.Problem ?? "the vat exited"));
            ResolveByKernel(u.Result, true, KCapData.Of(SmallCaps.Error("vat-upgrade failure")));
            return;
        }
        K.IncStat(KernelStat.DeliverStartVat);

        // 7. report success
        K.PutVat(K.Vat(u.VatId)! with { BundleName = u.BundleName });
        SetVatParameters(u.VatId, u.VatParameters);
        K.IncStat(KernelStat.UpgradesSucceeded);
        _options.Listener?.VatUpgraded(u.VatId, u.BundleName, prep.IncarnationNumber + 1);
        var result = new SortedDictionary<string, object?>(StringComparer.Ordinal) { ["incarnationNumber"] = prep.IncarnationNumber + 1 };
        ResolveByKernel(u.Result, false, KCapData.Of(SmallCaps.Encode(result)));
    }

    /// <summary>SwingSet's disconnection object: <c>{name: 'vatUpgraded', upgradeMessage, incarnationNumber}</c>.</summary>
    internal static KCapData UpgradeDisconnection(string upgradeMessage, long oldIncarnation) =>
        KCapData.Of(SmallCaps.Encode(new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["incarnationNumber"] = oldIncarnation,
            ["name"] = "vatUpgraded",
            ["upgradeMessage"] = upgradeMessage,
        }));

    private void FailUpgrade(UpgradeVatEvent u, string problem)
    {
        AbortCrankAndConsume();
        Keeper.IncStat(KernelStat.UpgradesFailed);
        _options.Listener?.VatUpgradeFailed(u.VatId, u.BundleName, problem);
        ResolveByKernel(u.Result, true, KCapData.Of(SmallCaps.Error("vat-upgrade failure")));
    }
}
