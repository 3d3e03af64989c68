namespace ActorSwingSet;

/// <summary>Why a vat was terminated: a failure (or not) and the reason's smallcaps body (slots are not kept).</summary>
public sealed record VatTermination(bool IsFailure, string InfoBody);
