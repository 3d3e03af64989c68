namespace ActorSwingSet.Vat;

/// <summary>
/// The lifecycle of a <see cref="VatHost"/>. A crank opens on the first crank-numbered request of a new crank and
/// ends with a commit (the next crank's first request, or <c>TakeVatBlockDelta</c>) or an <c>AbortCrank</c>:
/// <code>
/// Idle --request of crank c--> InCrank(c) --StartIncarnationRequest--> IncarnationStarted(c)
///                              InCrank(c) &lt;--AbortIncarnation-------- IncarnationStarted(c)
/// InCrank(c) | IncarnationStarted(c) --TerminateVatRequest--> TerminatedInCrank(c)
/// any open crank --AbortCrank(c)--> Idle (the vat's state, code and bundle as at the crank's start)
/// InCrank | IncarnationStarted --commit--> Idle        TerminatedInCrank --commit--> Terminated
/// </code>
/// Any other transition is an internal error.
/// </summary>
internal enum VatHostState
{
    /// <summary>No crank open: everything the vat did is committed.</summary>
    Idle,

    /// <summary>A crank is open; <c>AbortCrank</c> of that crank undoes it.</summary>
    InCrank,

    /// <summary>
    /// A crank in which the next incarnation started (upgrade): besides the crank's start, it keeps the savepoint
    /// just after the old incarnation's bringOutYourDead, to which <c>AbortIncarnation</c> returns.
    /// </summary>
    IncarnationStarted,

    /// <summary>The vat was terminated in the open crank: an abort brings it back, a commit makes it final.</summary>
    TerminatedInCrank,

    /// <summary>Terminated and committed: the kernel destroys the host; only queries are answered.</summary>
    Terminated,
}
