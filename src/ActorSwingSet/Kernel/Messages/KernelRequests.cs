namespace ActorSwingSet.Kernel.Messages;

/// <summary>
/// The kernel actor's protocol. Each request gets one reply: the type named in its summary, or
/// <see cref="Akka.Actor.Status.Failure"/> carrying an <see cref="ArgumentException"/> (bad input; nothing changed)
/// or a <see cref="KernelPanicException"/> (the kernel has stopped).
/// </summary>
internal abstract record KernelRequest;

/// <summary>Reply: <see cref="Queued"/>.</summary>
internal sealed record QueueToVatRoot(string Vat, KCapData Methargs) : KernelRequest;

/// <summary>Reply: <see cref="Queued"/>.</summary>
internal sealed record QueueToKref(Kref Target, KCapData Methargs) : KernelRequest;

/// <summary>Run until the queues are empty or <see cref="MaxCranks"/> cranks have run. Reply: <see cref="RunCompleted"/>.</summary>
internal sealed record Run(long MaxCranks = long.MaxValue) : KernelRequest;

/// <summary>Reply: <see cref="PromiseStatus"/>.</summary>
internal sealed record GetPromiseStatus(Kref Kpid) : KernelRequest;

/// <summary>Reply: <see cref="Done"/>.</summary>
internal sealed record ReleasePromise(Kref Kpid) : KernelRequest;

/// <summary>Keep <see cref="Kref"/> alive across kernel restarts under <see cref="Name"/>. Reply: <see cref="Done"/>.</summary>
internal sealed record HoldDurably(string Name, Kref Kref) : KernelRequest;

/// <summary>Let go of the durable hold <see cref="Name"/>. Reply: <see cref="Done"/>.</summary>
internal sealed record ReleaseDurableHold(string Name) : KernelRequest;

/// <summary>Reply: <see cref="DurableHolds"/>.</summary>
internal sealed record GetDurableHolds : KernelRequest
{
    /// <summary>The one instance.</summary>
    public static readonly GetDurableHolds Instance = new();
}

/// <summary>Reply to <see cref="GetDurableHolds"/>: every durable hold, by name (in ordinal order).</summary>
internal sealed record DurableHolds(IReadOnlyDictionary<string, Kref> Holds);

/// <summary>Reply: <see cref="VatQueued"/>.</summary>
internal sealed record CreateVat(string BundleName, KCapData? VatParameters = null, bool EnablePipelining = false) : KernelRequest;

/// <summary>Reply: <see cref="Queued"/> (a promise for <c>{incarnationNumber}</c>).</summary>
internal sealed record UpgradeVat(string Vat, string BundleName, KCapData? VatParameters = null, string UpgradeMessage = "vat upgraded") : KernelRequest;

/// <summary>Reply: <see cref="Queued"/>.</summary>
internal sealed record TerminateVat(string Vat, bool Reject, KCapData Reason) : KernelRequest;

/// <summary>Reply: <see cref="VatInfo"/>.</summary>
internal sealed record GetVatInfo(string Vat) : KernelRequest;

/// <summary>Reply: <see cref="KernelStats"/>.</summary>
internal sealed record GetStats : KernelRequest;

/// <summary>Reply: <see cref="KvDump"/>.</summary>
internal sealed record GetKvDump : KernelRequest;

/// <summary>Reply: <see cref="RemediationReport"/>.</summary>
internal sealed record RemediateUpgradeLeaks : KernelRequest;

/// <summary>Reply: <see cref="Injected"/>.</summary>
internal sealed record InjectQueuedUpgradeEvents : KernelRequest;

/// <summary>Reply: a list of <see cref="ClaimVerdict"/>.</summary>
internal sealed record RepairClaims(IReadOnlyList<(string VatId, Kref Kpid)> Claims) : KernelRequest;

/// <summary>Journal every change since the last block (the host's commit). Reply: <see cref="Committed"/>.</summary>
internal sealed record Commit : KernelRequest;

/// <summary>Reply to <see cref="Commit"/>: the number of the block now journalled.</summary>
internal sealed record Committed(long Block);

/// <summary>
/// Stop the kernel: end a run in progress (its requester gets the cranks done so far), commit a last block when
/// <see cref="Commit"/> is set and there is a journal, answer <see cref="StopAcknowledged"/>, then stop. One message, so
/// no run slice can slip in between the last commit and the stop.
/// </summary>
internal sealed record StopKernel(bool Commit) : KernelRequest;

/// <summary>The kernel is stopping; <see cref="Block"/> is the last block it committed, if it committed one.</summary>
internal sealed record StopAcknowledged(long? Block);

/// <summary>Reply to <see cref="InjectQueuedUpgradeEvents"/>: how many held notifies were queued.</summary>
internal sealed record Injected(int Events);

/// <summary>Reply to a request that queued work: the promise for the work's outcome, held for the host.</summary>
internal sealed record Queued(Kref Result);

/// <summary>Reply to <see cref="CreateVat"/>: the new vat's ID and the promise for <c>{root, vatID}</c>.</summary>
internal sealed record VatQueued(string VatId, Kref Result);

/// <summary>Reply to <see cref="Run"/>: how many cranks ran.</summary>
internal sealed record RunCompleted(long Cranks);

/// <summary>Reply to a request that has nothing to report (<see cref="ReleasePromise"/>, <see cref="HoldDurably"/>, <see cref="ReleaseDurableHold"/>).</summary>
internal sealed record Done
{
    /// <summary>The one instance.</summary>
    public static readonly Done Instance = new();
}

/// <summary>
/// The kernel state in SwingSet's kvStore schema, sorted by key, and the host session it was taken in (whose host
/// references the audit counts as live holders). The kernel only serves its state: the audit is a pure function of
/// this reply, run by whoever asked (<see cref="SwingSetController.AuditAsync"/>), off the kernel's thread.
/// </summary>
internal sealed record KvDump(IReadOnlyDictionary<string, string> Entries, long HostSession);
