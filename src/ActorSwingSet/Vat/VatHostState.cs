namespace ActorSwingSet.Vat;

/// <summary>
/// The lifecycle of a <see cref="VatHost"/>. A crank opens on the first crank-numbered request of a new crank and
/// ends with a commit (the next crank's first request, or <c>TakeVatBlockDelta</c>) or an <c>AbortCrank</c>:
/// <code>
/// Idle --request of crank c--> InCrank(c) --TerminateVatRequest--> TerminatedInCrank(c)
/// any open crank --AbortCrank(c)--> Idle (the vat's state and bundle as at the crank's start; a worker that ran
///                                         code in the crank is let go, to be rebuilt from the transcript)
/// InCrank --commit--> Idle        TerminatedInCrank --commit--> Terminated
/// </code>
/// Any other transition is an internal error.
/// </summary>
internal enum VatHostState
{
    /// <summary>No crank open: everything the vat did is committed.</summary>
    Idle,

    /// <summary>A crank is open; <c>AbortCrank</c> of that crank undoes it.</summary>
    InCrank,

    /// <summary>The vat was terminated in the open crank: an abort brings it back, a commit makes it final.</summary>
    TerminatedInCrank,

    /// <summary>Terminated and committed: the kernel destroys the host; only queries are answered.</summary>
    Terminated,
}
