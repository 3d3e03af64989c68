namespace ActorSwingSet;

/// <summary>One (vat, promise) pair that remediation or a repair claim is about, with what was decided.</summary>
/// <param name="VatId">The vat whose c-list holds the promise (<c>vN</c>).</param>
/// <param name="Kpid">The kernel promise.</param>
/// <param name="Vref">The promise's vref in that vat's c-list (<c>p+N</c> or <c>p-N</c>).</param>
/// <param name="State">The promise's state when it was found: a leaked entry is a settled one.</param>
public sealed record LeakFinding(string VatId, Kref Kpid, string Vref, PromiseState State);

/// <summary>What a remediation pass found and queued, and the work it took.</summary>
/// <param name="Repaired">
/// The damaged (vat, promise) pairs, in vat order; each now has a notify held that runs after
/// <see cref="SwingSetController.InjectQueuedUpgradeEventsAsync"/>.
/// </param>
/// <param name="VatsScanned">Live vats whose c-lists were read.</param>
/// <param name="PromiseEntriesRead">Promise entries read from those c-lists: the pass costs this much, not the size of the promise table.</param>
/// <param name="PendingNotifies">Notifies already queued or held when the pass began; a settled promise with one of these on its way is not damage.</param>
public sealed record RemediationReport(IReadOnlyList<LeakFinding> Repaired, int VatsScanned, int PromiseEntriesRead, int PendingNotifies);

/// <summary>The answer to one alleged (vat, kpid) pair: repaired, or refused with the reason.</summary>
/// <param name="VatId">The vat named in the claim.</param>
/// <param name="Kpid">The promise named in the claim.</param>
/// <param name="Repaired">True when the pair was real damage and a notify was queued to repair it.</param>
/// <param name="Refusal">Why the claim was refused (not in the c-list, not settled, a notify already pending...); null when repaired.</param>
public sealed record ClaimVerdict(string VatId, Kref Kpid, bool Repaired, string? Refusal);
