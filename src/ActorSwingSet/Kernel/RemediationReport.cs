using ActorSwingSet.Kernel.State;
using ActorSwingSet.References;

namespace ActorSwingSet.Kernel;

/// <summary>One (vat, promise) pair that remediation or a repair claim is about, with what was decided.</summary>
public sealed record LeakFinding(string VatId, Kref Kpid, string Vref, PromiseState State);

/// <summary>What a remediation pass found and queued, and the work it took.</summary>
public sealed record RemediationReport(IReadOnlyList<LeakFinding> Repaired, int VatsScanned, int PromiseEntriesRead, int PendingNotifies);

/// <summary>The answer to one alleged (vat, kpid) pair: repaired, or refused with the reason.</summary>
public sealed record ClaimVerdict(string VatId, Kref Kpid, bool Repaired, string? Refusal);
