using ActorSwingSet.Vats;

namespace ActorSwingSet.Vat.Transcript;

/// <summary>
/// One delivery as the vat saw it (in vrefs), with every syscall it made and what each returned, in order: what
/// replay feeds a rebuilt worker and checks it against (SwingSet's transcript entry <c>{d, sc, r}</c>). Only
/// deliveries that committed are entries, so the outcome is always success.
/// </summary>
internal sealed class TranscriptEntry(VatDelivery delivery, IReadOnlyList<RecordedSyscall> syscalls, IReadOnlyList<string>? rebuiltImports = null)
{
    /// <summary>The delivery, as the vat received it.</summary>
    public VatDelivery Delivery { get; } = delivery;

    /// <summary>The syscalls the delivery made, in order, with their results.</summary>
    public IReadOnlyList<RecordedSyscall> Syscalls { get; } = syscalls;

    /// <summary>
    /// Set on the first entry of an incarnation whose earlier deliveries have no transcript (state stored before
    /// transcripts were kept): the worker it went to was rebuilt from the vatstore and told of these imports first
    /// (<see cref="IRebuiltVat"/>), and a replay rebuilds it the same way. Null on every other entry.
    /// </summary>
    public IReadOnlyList<string>? RebuiltImports { get; } = rebuiltImports;
}

/// <summary>
/// A syscall as recorded, with <paramref name="Result"/>, what it returned (a vatstore read's value; null for every
/// other syscall). <paramref name="Call"/> is a <see cref="SyscallCall"/> for one made by this process, written out
/// only when a block stores it or a replay compares it, or the stored text of one read back.
/// </summary>
internal readonly record struct RecordedSyscall(object Call, string? Result)
{
    /// <summary>The syscall's canonical JSON in vrefs (<see cref="TranscriptJson"/>): the same call always gives the same text.</summary>
    public string Text => Call as string ?? TranscriptJson.Call((SyscallCall)Call);
}

/// <summary>A syscall's name and arguments, as the vat passed them (their meaning is <see cref="TranscriptJson.Call"/>'s).</summary>
internal sealed record SyscallCall(string Name, object? A = null, object? B = null, object? C = null);
