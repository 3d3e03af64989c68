using ActorSwingSet.Marshal;
using ActorSwingSet.References;
using ActorSwingSet.Translation;

namespace ActorSwingSet.Vat.Messages;

/// <summary>
/// What the kernel asks of a vat actor. Each request names the crank it belongs to: the first request of a new
/// crank commits the vat's previous one, and <see cref="AbortCrank"/> undoes the open one. Requests that can
/// create exports lend the kernel's next object and promise numbers.
/// </summary>
public abstract record VatRequest(long Crank);

/// <summary>Translate and deliver one kernel delivery; reply with a <see cref="DeliveryReply"/>.</summary>
public sealed record DeliverRequest(long Crank, KernelDelivery Delivery, long NextObjectId, long NextPromiseId) : VatRequest(Crank);

/// <summary>
/// First half of an upgrade: deliver bringOutYourDead to the old incarnation, then report the incarnation number
/// and the promise part of the c-list. Reply: <see cref="PrepareUpgradeReply"/>.
/// </summary>
public sealed record PrepareUpgradeRequest(long Crank, long NextObjectId, long NextPromiseId) : VatRequest(Crank);

/// <summary>
/// Second half of an upgrade: delete the c-list entries of <see cref="DeleteKpids"/> (rejected promises the vat
/// is not subscribed to), abandon non-durable exports, start the next incarnation from <see cref="BundleName"/> and
/// deliver startVat. Reply: <see cref="DeliveryReply"/>.
/// </summary>
public sealed record StartIncarnationRequest(long Crank, IReadOnlyList<Kref> DeleteKpids, string BundleName, KCapData VatParameters, long NextObjectId, long NextPromiseId) : VatRequest(Crank);

/// <summary>The vat is terminated: report its c-list and delete it. Reply: <see cref="TerminateVatReply"/>.</summary>
public sealed record TerminateVatRequest(long Crank) : VatRequest(Crank);

/// <summary>Undo everything done for <see cref="VatRequest.Crank"/> (no reply).</summary>
public sealed record AbortCrank(long Crank) : VatRequest(Crank);

/// <summary>
/// Undo a <see cref="StartIncarnationRequest"/> of <see cref="VatRequest.Crank"/> (its startVat failed): the old
/// incarnation stays, as it was after its bringOutYourDead (no reply).
/// </summary>
public sealed record AbortIncarnation(long Crank) : VatRequest(Crank);

/// <summary>Report the promise part of the c-list, in vref order (between cranks). Reply: <see cref="PromiseEntriesReply"/>.</summary>
public sealed record ListPromiseEntries() : VatRequest(-1);

/// <summary>Report the vat's writes since the last block (between cranks). Reply: <see cref="VatBlockDelta"/>.</summary>
public sealed record TakeVatBlockDelta() : VatRequest(-1);

/// <summary>Report the vat's state in kvStore form. Reply: <see cref="VatDumpReply"/>.</summary>
public sealed record DumpVatRequest() : VatRequest(-1);
