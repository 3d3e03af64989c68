namespace ActorSwingSet.Kernel.Crank;

/// <summary>How a crank's changes are undone before the rest of its result is applied.</summary>
internal enum CrankAbort
{
    /// <summary>The crank's changes stand.</summary>
    None,

    /// <summary>Roll back to the crank's start: the event stays queued and meets the same vat next crank.</summary>
    Retry,

    /// <summary>Roll back to the crank's start, then take the event off its queue again so it is not retried.</summary>
    Consume,
}

/// <summary>A vat the crank terminates: rejecting (a failure) or not, with the reason or completion value.</summary>
internal sealed record CrankTermination(string VatId, bool Reject, KCapData Info);

/// <summary>A promise the kernel settles (it has no decider) once the rest of the crank's result is applied.</summary>
internal sealed record KernelSettlement(Kref Kpid, bool Rejected, KCapData Data);

/// <summary>What a delivery does to its vat's reap dirt: one more delivery, or a fresh start after bringOutYourDead.</summary>
internal readonly record struct ReapDirt(string VatId, bool Clear);

/// <summary>
/// What a handler decided about its crank (SwingSet's crank results), applied by <see cref="CrankEngine"/> in one
/// place and in this order: the rollback (<see cref="Abort"/>),
/// the <see cref="Stat"/> counted after it, the <see cref="Dirt"/>, the vat termination, then the kernel's
/// <see cref="Settle"/>. End-of-crank GC and the commit follow. A struct, so that a delivery's common result (count
/// it, leave reap dirt) costs the crank no allocation.
/// </summary>
internal readonly record struct CrankResult
{
    /// <summary>Everything the handler did stands; nothing more to apply.</summary>
    public static readonly CrankResult Commit = new();

    /// <summary>Whether to roll the whole crank back, and what becomes of its event.</summary>
    public CrankAbort Abort { get; init; }

    /// <summary>A counter to increment once the rollback is done, so it survives it.</summary>
    public KernelStat? Stat { get; init; }

    /// <summary>The reap dirt the delivery leaves on its vat.</summary>
    public ReapDirt? Dirt { get; init; }

    /// <summary>The vat to terminate in this crank.</summary>
    public CrankTermination? Terminate { get; init; }

    /// <summary>The kernel-decided promise to settle last (after the termination, whose notifies go first).</summary>
    public KernelSettlement? Settle { get; init; }
}
