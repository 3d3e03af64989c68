namespace ActorSwingSet;

/// <summary>Why a vat was terminated: a failure (or not) and the reason's smallcaps body (slots are not kept).</summary>
/// <param name="IsFailure">
/// True when the vat was terminated with a failure (a crash, <c>exitWithFailure</c>, a failed termination by the host or
/// vat admin); false for a clean <c>exit</c>.
/// </param>
/// <param name="InfoBody">The completion value or failure reason, as a smallcaps body.</param>
public sealed record VatTermination(bool IsFailure, string InfoBody);
