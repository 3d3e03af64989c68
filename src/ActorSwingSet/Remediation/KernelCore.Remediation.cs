using ActorSwingSet.Kernel.State;
using ActorSwingSet.References;
using ActorSwingSet.Vat.Messages;

namespace ActorSwingSet.Kernel;

/// <summary>One (vat, promise) pair that remediation or a repair claim is about, with what was decided.</summary>
public sealed record LeakFinding(string VatId, Kref Kpid, string Vref, PromiseState State);

/// <summary>What a remediation pass found and queued, and the work it took.</summary>
public sealed record RemediationReport(IReadOnlyList<LeakFinding> Repaired, int VatsScanned, int PromiseEntriesRead, int PendingNotifies);

/// <summary>The answer to one alleged (vat, kpid) pair: repaired, or refused with the reason.</summary>
public sealed record ClaimVerdict(string VatId, Kref Kpid, bool Repaired, string? Refusal);

/// <summary>
/// Repair of state damaged by SwingSet bug #9039 (docs/KERNEL-SEMANTICS.md section 7): a settled promise left in an upgraded vat's
/// c-list with no notify on its way. The repair is a notify to that vat, whose delivery retires the entry and lets
/// ordinary GC delete the promise. The cost is proportional to the promise part of the c-lists, never to the
/// whole promise table.
/// </summary>
internal sealed partial class KernelCore
{
    /// <summary>
    /// Walks the promise part of every live vat's c-list and holds a notify (with its reference) in
    /// <c>upgradeEvents</c> for each settled promise that has no pending notify to that vat. Nothing runs until the
    /// host calls <see cref="InjectQueuedUpgradeEvents"/>.
    /// </summary>
    public async Task<RemediationReport> RemediateUpgradeLeaksAsync()
    {
        HostOp();
        var pending = PendingNotifies();
        var repaired = new List<LeakFinding>();
        var rows = 0;
        var vats = LiveVatsInOrder();
        foreach (var v in vats)
        {
            var reply = await RequestAsync(v.VatId, new ListPromiseEntries()).ConfigureAwait(false);
            rows += reply.Entries.Count;
            foreach (var (vref, kpid) in reply.Entries)
            {
                if (Keeper.TryGetPromise(kpid) is not { State: not PromiseState.Unresolved } p) continue;
                if (pending.Contains((v.VatId, kpid))) continue;
                Keeper.HoldUpgradeEvent(new NotifyEvent(v.VatId, kpid));
                repaired.Add(new LeakFinding(v.VatId, kpid, vref, p.State));
            }
        }
        return new RemediationReport(repaired, vats.Count, rows, pending.Count);
    }

    /// <summary>Moves the notifies remediation held onto the acceptance queue; returns how many.</summary>
    public int InjectQueuedUpgradeEvents()
    {
        HostOp();
        return Keeper.InjectUpgradeEvents();
    }

    /// <summary>
    /// Verified-claims repair: each alleged (vat, kpid) is checked (a live vat, a settled promise, in that vat's
    /// c-list, no notify to that vat pending or held) and only then repaired, with a notify on the acceptance queue.
    /// </summary>
    public async Task<IReadOnlyList<ClaimVerdict>> RepairClaimsAsync(IEnumerable<(string VatId, Kref Kpid)> claims)
    {
        HostOp();
        var pending = PendingNotifies();
        var cLists = new Dictionary<string, HashSet<Kref>>(StringComparer.Ordinal);
        var verdicts = new List<ClaimVerdict>();
        foreach (var (vatId, kpid) in claims)
        {
            string? refusal = null;
            if (!kpid.IsPromise) refusal = $"{kpid} is not a promise";
            else if (!Keeper.IsAlive(vatId)) refusal = $"{vatId} is not a live vat";
            else if (Keeper.TryGetPromise(kpid) is not { } p) refusal = $"{kpid} does not exist";
            else if (p.State == PromiseState.Unresolved) refusal = $"{kpid} is unresolved";
            else if (pending.Contains((vatId, kpid))) refusal = $"a notify of {kpid} to {vatId} is already pending";
            else
            {
                if (!cLists.TryGetValue(vatId, out var held))
                {
                    var reply = await RequestAsync(vatId, new ListPromiseEntries()).ConfigureAwait(false);
                    cLists[vatId] = held = [.. reply.Entries.Select(e => e.Kref)];
                }
                if (!held.Contains(kpid)) refusal = $"{kpid} is not in {vatId}'s c-list";
            }
            if (refusal is null)
            {
                Keeper.Accept(new NotifyEvent(vatId, kpid));
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
        foreach (var (_, e) in Keeper.RunQueue.Entries().Concat(Keeper.AcceptanceQueue.Entries()))
            if (e is NotifyEvent n) set.Add((n.VatId, n.Kpid));
        foreach (var e in Keeper.UpgradeEvents)
            if (e is NotifyEvent n) set.Add((n.VatId, n.Kpid));
        return set;
    }

    private List<VatRecord> LiveVatsInOrder() =>
        [.. Keeper.Vats.Where(v => v.Alive).OrderBy(v => v.VatId, Comparer<string>.Create(VatId.Compare))];
}
