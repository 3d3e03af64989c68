namespace ActorSwingSet.Vats;

/// <summary>
/// The syscalls a raw vat may make during a delivery, in vrefs. A syscall that breaks the rules throws
/// <see cref="IllegalSyscallException"/>; the delivery is then unwound and the vat terminated, whether or not the
/// vat catches the exception.
/// </summary>
public interface IVatSyscalls
{
    /// <summary>Send a message to <paramref name="target"/>; <paramref name="result"/> is a new <c>p+N</c> the sender allocates.</summary>
    void Send(string target, VCapData methargs, string? result = null);

    /// <summary>Settle promises this vat decides. The vat's c-list entry for each is retired.</summary>
    void Resolve(IReadOnlyList<VatResolution> resolutions);

    /// <summary>Ask to be notified when <paramref name="vpid"/> settles (at once, if it already has).</summary>
    void Subscribe(string vpid);

    /// <summary>
    /// Marks a promise this vat decides as durable (an ActorSwingSet extension, docs/KERNEL-SEMANTICS.md section 8): an upgrade
    /// leaves it unresolved and in the c-list, so the next incarnation can settle it. A <c>p+N</c> this vat has not
    /// used yet becomes a new promise it decides. The mark ends if the decision moves to another vat.
    /// </summary>
    void MarkPromiseDurable(string vpid);

    /// <summary>Terminate this vat. A failure exit unwinds the current delivery.</summary>
    void Exit(bool isFailure, VCapData info);

    /// <summary>This vat can no longer reach these imports (<c>o-N</c>); it may still recognize them.</summary>
    void DropImports(IReadOnlyList<string> vrefs);
    /// <summary>This vat forgets these imports, already dropped; their c-list entries are deleted.</summary>
    void RetireImports(IReadOnlyList<string> vrefs);
    /// <summary>This vat forgets exports that are no longer reachable; the kernel deletes them and tells importers to retire them.</summary>
    void RetireExports(IReadOnlyList<string> vrefs);
    /// <summary>This vat gives these exports up; the kernel orphans them.</summary>
    void AbandonExports(IReadOnlyList<string> vrefs);

    /// <summary>The value of <paramref name="key"/> in this vat's store, or null.</summary>
    string? VatstoreGet(string key);
    /// <summary>Sets <paramref name="key"/> in this vat's store (it survives upgrades).</summary>
    void VatstoreSet(string key, string value);
    /// <summary>Deletes <paramref name="key"/> from this vat's store.</summary>
    void VatstoreDelete(string key);
    /// <summary>The first key after <paramref name="priorKey"/> in the vat's store (ordinal order), or null.</summary>
    string? VatstoreGetNextKey(string priorKey);
}

/// <summary>Convenience forms of the syscalls.</summary>
public static class VatSyscallExtensions
{
    /// <summary>Settles one promise.</summary>
    public static void Resolve(this IVatSyscalls s, string vpid, bool rejected, VCapData data) =>
        s.Resolve([new VatResolution(vpid, rejected, data)]);
}
