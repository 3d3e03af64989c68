namespace ActorSwingSet;

/// <summary>A snapshot of one promise-table row, for hosts and tests.</summary>
/// <param name="Kpid">The promise.</param>
/// <param name="State">Unresolved, fulfilled or rejected.</param>
/// <param name="RefCount">References to the promise: c-list entries, queued messages and resolutions that hold it, and the host's.</param>
/// <param name="Decider">The vat that may settle it (<c>vN</c>); null when the kernel decides it or it is settled.</param>
/// <param name="Subscribers">The vats that asked to be notified when it settles.</param>
/// <param name="QueueLength">Messages sent to the promise and queued on it until it settles.</param>
/// <param name="Data">The resolution capdata; null while unresolved. <see cref="Value"/> and <see cref="Resolution"/> decode it.</param>
public sealed record PromiseStatus(
    Kref Kpid,
    PromiseState State,
    long RefCount,
    string? Decider,
    IReadOnlyList<string> Subscribers,
    int QueueLength,
    KCapData? Data)
{
    /// <summary>The resolution decoded from smallcaps (null while unresolved).</summary>
    public object? Value => Data is null ? null : SmallCaps.Decode(Data.Body, Data.Slots.Length);

    /// <summary>The resolution decoded with its references as <see cref="Kref"/>s (null while unresolved).</summary>
    public object? Resolution => Data is null ? null : HostValues.Decode(Data);
}

/// <summary>What the host can learn about a vat.</summary>
/// <param name="VatId">The vat's ID (<c>vN</c>).</param>
/// <param name="Name">The static vat's name; null for a vat created dynamically (by vat admin).</param>
/// <param name="Dynamic">True for a vat created through vat admin rather than with the kernel.</param>
/// <param name="BundleName">The bundle its current incarnation runs.</param>
/// <param name="Alive">False once the vat is terminated.</param>
/// <param name="Termination">Why it was terminated; null while it is alive.</param>
/// <param name="Root">Its root object.</param>
public sealed record VatInfo(string VatId, string? Name, bool Dynamic, string BundleName, bool Alive, VatTermination? Termination, Kref Root);
