namespace ActorSwingSet.Vat;

/// <summary>
/// The raw-vat boundary (SwingSet's <c>setupVatRaw</c> level): the kernel hands the vat one delivery at a time and
/// the vat answers with syscalls made during the call. Deliveries run one at a time on the vat's actor; a vat must
/// be deterministic (no clocks, randomness or threads in what it does). Throwing fails the delivery: the vat is
/// terminated (or, for <see cref="StartVatDelivery"/> during an upgrade, the upgrade is rolled back).
/// </summary>
public interface IRawVat
{
    /// <summary>Handles one delivery; the syscalls it makes, through <paramref name="syscalls"/> during the call, are its effects.</summary>
    void Deliver(VatDelivery delivery, IVatSyscalls syscalls);
}

/// <summary>A syscall broke the rules; the vat will be terminated with <see cref="Exception.Message"/> as the reason.</summary>
public sealed class IllegalSyscallException(string message) : Exception(message);

/// <summary>
/// A vat whose code holds references in memory (liveslots). When its code is rebuilt after a kernel restart it has no
/// presence for the imports its c-list still holds, so it is told which they are: those it no longer reaches (no
/// presence, nothing stored) are dropped at its next bringOutYourDead, as they would have been without the restart.
/// </summary>
internal interface IRebuiltVat
{
    /// <summary>Called once, before the first delivery to code rebuilt after a restart, with the reachable object imports.</summary>
    void Rebuilt(IReadOnlyList<string> imports);
}
