namespace ActorSwingSet.Vat.Messages;

/// <summary>
/// What the kernel asks of a vat actor and waits for. Only <see cref="VatRequest{TReply}"/> derives from it, so
/// every request names its reply type; this untyped base exists for the actor, which moves messages without
/// knowing their reply types.
/// </summary>
internal abstract record VatRequest
{
    private protected VatRequest() { }

    /// <summary>Has <paramref name="handler"/> answer this request; the reply is the one <see cref="VatRequest{TReply}.Accept"/> gives.</summary>
    internal abstract object Dispatch(IVatRequestHandler handler);
}

/// <summary>
/// A vat request whose reply is a <typeparamref name="TReply"/>: <see cref="Accept"/> calls the handler's method for
/// this request, whose return type is <typeparamref name="TReply"/>, so a handler that answers with anything else
/// does not compile.
/// </summary>
internal abstract record VatRequest<TReply> : VatRequest where TReply : class
{
    /// <summary>Has <paramref name="handler"/> answer this request.</summary>
    internal abstract TReply Accept(IVatRequestHandler handler);

    internal sealed override object Dispatch(IVatRequestHandler handler) => Accept(handler);
}

/// <summary>A request made inside a crank: it opens that crank in the vat, and may run the vat's code.</summary>
internal interface ICrankRequest
{
    /// <summary>The kernel's crank.</summary>
    long Crank { get; }

    /// <summary>Whether the request may run the vat's code, and so needs its worker online (a termination does not).</summary>
    bool RunsCode => true;
}

/// <summary>What the kernel tells a vat actor without waiting: the undo of a crank, named by its number.</summary>
internal abstract record VatCommand(long Crank)
{
    /// <summary>Has <paramref name="handler"/> carry out this command.</summary>
    internal abstract void Apply(IVatRequestHandler handler);
}

/// <summary>
/// The vat side of the protocol (<see cref="VatHost"/>): one method per request, returning that request's reply
/// type, and one per command. Requests that carry a crank number open that crank in the vat if it is not open (the
/// first request of a new crank commits the vat's previous one); the others are answered between cranks.
/// </summary>
internal interface IVatRequestHandler
{
    /// <summary>Answers <see cref="DeliverRequest"/>.</summary>
    DeliveryReply Deliver(DeliverRequest request);

    /// <summary>Answers <see cref="PrepareUpgradeRequest"/>.</summary>
    PrepareUpgradeReply PrepareUpgrade(PrepareUpgradeRequest request);

    /// <summary>Answers <see cref="StartIncarnationRequest"/>.</summary>
    DeliveryReply StartIncarnation(StartIncarnationRequest request);

    /// <summary>Answers <see cref="TerminateVatRequest"/>.</summary>
    TerminateVatReply Terminate(TerminateVatRequest request);

    /// <summary>Answers <see cref="ListPromiseEntries"/>.</summary>
    PromiseEntriesReply ListPromiseEntries(ListPromiseEntries request);

    /// <summary>Answers <see cref="TakeVatBlockDelta"/>.</summary>
    VatBlockDelta TakeBlockDelta(TakeVatBlockDelta request);

    /// <summary>Answers <see cref="DumpVatRequest"/>.</summary>
    VatDumpReply Dump(DumpVatRequest request);

    /// <summary>Carries out <see cref="AbortCrank"/>.</summary>
    void AbortCrank(AbortCrank command);

    /// <summary>Answers <see cref="EvictWorker"/>.</summary>
    WorkerEvicted EvictWorker(EvictWorker request);
}

/// <summary>Translate and deliver one kernel delivery in <paramref name="Crank"/>, lending the kernel's next kref numbers.</summary>
internal sealed record DeliverRequest(long Crank, KernelDelivery Delivery, long NextObjectId, long NextPromiseId) : VatRequest<DeliveryReply>, ICrankRequest
{
    internal override DeliveryReply Accept(IVatRequestHandler handler) => handler.Deliver(this);
}

/// <summary>
/// First half of an upgrade: deliver bringOutYourDead to the old incarnation, then report the incarnation number
/// and the promise part of the c-list.
/// </summary>
internal sealed record PrepareUpgradeRequest(long Crank, long NextObjectId, long NextPromiseId) : VatRequest<PrepareUpgradeReply>, ICrankRequest
{
    internal override PrepareUpgradeReply Accept(IVatRequestHandler handler) => handler.PrepareUpgrade(this);
}

/// <summary>
/// Second half of an upgrade: delete the c-list entries of <see cref="DeleteKpids"/> (rejected promises the vat
/// is not subscribed to), abandon non-durable exports, start the next incarnation from <see cref="BundleName"/> and
/// deliver startVat. If it fails, the kernel aborts the whole crank (<see cref="AbortCrank"/>).
/// </summary>
internal sealed record StartIncarnationRequest(long Crank, IReadOnlyList<Kref> DeleteKpids, string BundleName, KCapData VatParameters,
    long NextObjectId, long NextPromiseId) : VatRequest<DeliveryReply>, ICrankRequest
{
    internal override DeliveryReply Accept(IVatRequestHandler handler) => handler.StartIncarnation(this);
}

/// <summary>The vat is terminated in <paramref name="Crank"/>: report its c-list and delete it.</summary>
internal sealed record TerminateVatRequest(long Crank) : VatRequest<TerminateVatReply>, ICrankRequest
{
    /// <inheritdoc/>
    public bool RunsCode => false;

    internal override TerminateVatReply Accept(IVatRequestHandler handler) => handler.Terminate(this);
}

/// <summary>Report the promise part of the c-list, in vref order (between cranks).</summary>
internal sealed record ListPromiseEntries : VatRequest<PromiseEntriesReply>
{
    internal override PromiseEntriesReply Accept(IVatRequestHandler handler) => handler.ListPromiseEntries(this);
}

/// <summary>Commit the open crank, if any, and report the vat's writes since the last block.</summary>
internal sealed record TakeVatBlockDelta : VatRequest<VatBlockDelta>
{
    internal override VatBlockDelta Accept(IVatRequestHandler handler) => handler.TakeBlockDelta(this);
}

/// <summary>Report the vat's state in kvStore form.</summary>
internal sealed record DumpVatRequest : VatRequest<VatDumpReply>
{
    internal override VatDumpReply Accept(IVatRequestHandler handler) => handler.Dump(this);
}

/// <summary>Undo everything done for <see cref="VatCommand.Crank"/>; nothing if that crank is not open in the vat.</summary>
internal sealed record AbortCrank(long Crank) : VatCommand(Crank)
{
    internal override void Apply(IVatRequestHandler handler) => handler.AbortCrank(this);
}

/// <summary>
/// The kernel is in <see cref="Crank"/>, which has not touched this vat: keep what the vat's last crank
/// did and let its worker go (the vat warehouse evicts it). Its next delivery rebuilds the worker from the transcript.
/// </summary>
internal sealed record EvictWorker(long Crank) : VatRequest<WorkerEvicted>
{
    internal override WorkerEvicted Accept(IVatRequestHandler handler) => handler.EvictWorker(this);
}
