using ActorSwingSet.Vats;

namespace ActorSwingSet.Vat.Transcript;

/// <summary>
/// One delivery as the vat saw it (in vrefs), with every syscall it made and what each returned, in order: what
/// replay feeds a rebuilt worker and checks it against (SwingSet's transcript entry <c>{d, sc, r}</c>). Only
/// deliveries that committed are entries, so the outcome is always success.
/// </summary>
internal sealed class TranscriptEntry(VatDelivery delivery, IReadOnlyList<RecordedSyscall> syscalls)
{
    /// <summary>The delivery, as the vat received it.</summary>
    public VatDelivery Delivery { get; } = delivery;

    /// <summary>The syscalls the delivery made, in order, with their results.</summary>
    public IReadOnlyList<RecordedSyscall> Syscalls { get; } = syscalls;
}

/// <summary>
/// A syscall as recorded: <paramref name="Call"/> is its canonical JSON in vrefs (<see cref="TranscriptJson"/>: the
/// same call always gives the same text, so replay compares texts), <paramref name="Result"/> what it returned (a
/// vatstore read's value; null for every other syscall).
/// </summary>
internal readonly record struct RecordedSyscall(string Call, string? Result);
