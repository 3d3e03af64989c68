namespace ActorSwingSet.Vats;

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
