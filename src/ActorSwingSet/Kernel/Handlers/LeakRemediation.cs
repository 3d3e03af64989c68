using ActorSwingSet.Kernel.Crank;
using ActorSwingSet.Kernel.State;
using ActorSwingSet.Vat.Messages;

namespace ActorSwingSet.Kernel.Handlers;

/// <summary>
/// Repair of state damaged by SwingSet bug #9039 (docs/KERNEL-SEMANTICS.md section 7): a settled promise left in an upgraded vat's
/// c-list with no notify on its way. The repair is a notify to that vat, whose delivery retires the entry and lets
/// ordinary GC delete the promise. The cost is proportional to the promise part of the c-lists, never to the
/// whole promise table.
/// </summary>
internal sealed class LeakRemediation(ICrankContext context)
{
    /// <summary>
    /// Walks the promise part of every live vat's c-list and holds a notify (with its reference) in
    /// <c>upgradeEvents</c> for each settled promise that has no pending notify to that vat. Nothing runs until the
    /// host calls <see cref="KernelCore.InjectQueuedUpgradeEvents"/>.
    /// </summary>
    public async Task<RemediationReport> RemediateAsync()
    {
        var pending = PendingNotifies();
        var repaired = new List<LeakFinding>();
        var rows = 0;
        var vats = context.Keeper.LiveVatsInOrder();
        foreach (var v in vats)
        {
            var reply = await context.RequestAsync(v.VatId, new ListPromiseEntries()).ConfigureAwait(false);
            rows += reply.Entries.Count;
            foreach (var (vref, kpid) in reply.Entries)
            {
                if (context.Keeper.TryGetPromise(kpid) is not { State: not PromiseState.Unresolved } p) continue;
                if (pending.Contains((v.VatId, kpid))) continue;
                context.Keeper.HoldUpgradeEvent(new NotifyEvent(v.VatId, kpid));
                repaired.Add(new LeakFinding(v.VatId, kpid, vref, p.State));
            }
        }
        return new RemediationReport(repaired, vats.Count, rows, pending.Count);
    }

    /// <summary>
    /// Verified-claims repair: each alleged (vat, kpid) is checked (a live vat, a settled promise, in that vat's
    /// c-list, no notify to that vat pending or held) and only then repaired, with a notify on the acceptance queue.
    /// </summary>
    public async Task<IReadOnlyList<ClaimVerdict>> RepairAsync(IEnumerable<(string VatId, Kref Kpid)> claims)
    {
        var pending = PendingNotifies();
        var cLists = new Dictionary<string, HashSet<Kref>>(StringComparer.Ordinal);
        var verdicts = new List<ClaimVerdict>();
        foreach (var (vatId, kpid) in claims)
        {
            string? refusal = null;
            if (!kpid.IsPromise) refusal = $"{kpid} is not a promise";
            else if (!context.Keeper.IsAlive(vatId)) refusal = $"{vatId} is not a live vat";
            else if (context.Keeper.TryGetPromise(kpid) is not { } p) refusal = $"{kpid} does not exist";
            else if (p.State == PromiseState.Unresolved) refusal = $"{kpid} is unresolved";
            else if (pending.Contains((vatId, kpid))) refusal = $"a notify of {kpid} to {vatId} is already pending";
            else
            {
                if (!cLists.TryGetValue(vatId, out var held))
                {
                    var reply = await context.RequestAsync(vatId, new ListPromiseEntries()).ConfigureAwait(false);
                    cLists[vatId] = held = [.. reply.Entries.Select(e => e.Kref)];
                }
                if (!held.Contains(kpid)) refusal = $"{kpid} is not in {vatId}'s c-list";
            }
            if (refusal is null)
            {
                context.Keeper.Accept(new NotifyEvent(vatId, kpid));
                pending.Add((vatId, kpid));
            }
            verdicts.Add(new ClaimVerdict(vatId, kpid, refusal is null, refusal));
        }
        return verdicts;
    }

    /// <summary>(vat, kpid) of every notify queued or held: the run-queue, the acceptance queue, upgradeEvents.</summary>
    private HashSet<(string, Kref)> PendingNotifies()
    {
        var set = new HashSet<(string, Kref)>();
        foreach (var (_, e) in context.Keeper.RunQueue.Entries().Concat(context.Keeper.AcceptanceQueue.Entries()))
            if (e is NotifyEvent n) set.Add((n.VatId, n.Kpid));
        foreach (var e in context.Keeper.UpgradeEvents)
            if (e is NotifyEvent n) set.Add((n.VatId, n.Kpid));
        return set;
    }
}
