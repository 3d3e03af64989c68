namespace ActorSwingSet.Vat.Messages;

/// <summary>How a delivery went, from the vat's side.</summary>
internal enum DeliveryStatus
{
    /// <summary>Delivered; the effects stand unless the kernel rejects a syscall.</summary>
    Ok,
    /// <summary>Nothing to deliver (a notify for a promise the vat no longer holds).</summary>
    Skipped,
    /// <summary>The vat's code threw.</summary>
    DeliveryError,
    /// <summary>A syscall broke the rules.</summary>
    IllegalSyscall,
    /// <summary>Translation found kernel state that cannot be: the kernel must panic.</summary>
    KernelPanic,
}

/// <summary>
/// The vat's answer to a delivery: the c-list changes and translated syscalls in the order they happened, and how
/// far it used the lent object and promise numbers.
/// </summary>
internal sealed record DeliveryReply(
    string VatId,
    long Crank,
    DeliveryStatus Status,
    string? Problem,
    IReadOnlyList<VatEffect> Effects,
    long NextObjectId,
    long NextPromiseId);

/// <summary>The old incarnation's bringOutYourDead, its incarnation number, and its promise c-list entries in vref order.</summary>
internal sealed record PrepareUpgradeReply(DeliveryReply Boyd, long IncarnationNumber, IReadOnlyList<(string Vref, Kref Kref)> PromiseEntries);

/// <summary>The terminated vat's c-list (in vref order) and the effects of deleting it.</summary>
internal sealed record TerminateVatReply(string VatId, long Crank, IReadOnlyList<(string Vref, Kref Kref, bool Reachable)> Entries, IReadOnlyList<VatEffect> Effects);

/// <summary>Reply to <see cref="DumpVatRequest"/>: the vat's state in kvStore form.</summary>
internal sealed record VatDumpReply(string VatId, IReadOnlyList<KeyValuePair<string, string>> Entries);

/// <summary>Reply to <see cref="ListPromiseEntries"/>: the promise part of the vat's c-list, in vref order.</summary>
internal sealed record PromiseEntriesReply(string VatId, IReadOnlyList<(string Vref, Kref Kref)> Entries);

/// <summary>Reply to <see cref="TakeVatBlockDelta"/>: the vat's kvStore writes and transcript items since the last block.</summary>
internal sealed record VatBlockDelta(string VatId, IReadOnlyList<Schema.KvWrite> Writes, IReadOnlyList<Schema.TranscriptItem> Transcript);

/// <summary>Reply to <see cref="EvictWorker"/>: the vat's last crank is kept and its worker let go.</summary>
internal sealed record WorkerEvicted(string VatId);
