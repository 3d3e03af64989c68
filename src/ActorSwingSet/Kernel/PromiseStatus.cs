namespace ActorSwingSet;

/// <summary>A snapshot of one promise-table row, for hosts and tests.</summary>
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
public sealed record VatInfo(string VatId, string? Name, bool Dynamic, string BundleName, bool Alive, VatTermination? Termination, Kref Root);
