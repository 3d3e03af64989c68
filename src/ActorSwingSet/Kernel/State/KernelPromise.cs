namespace ActorSwingSet.Kernel.State;

/// <summary>One promise-table row. Mutated only through <see cref="KernelKeeper"/>, which journals it per crank.</summary>
internal sealed class KernelPromise
{
    public PromiseState State;
    public long RefCount;
    /// <summary>The vat allowed to resolve it; null when the kernel (or the run-queue) decides.</summary>
    public string? Decider;
    /// <summary>
    /// The decider marked it durable (semantics section 8): its upgrade leaves it unresolved and in the c-list.
    /// The mark belongs to the decider and is cleared when the decision moves elsewhere.
    /// </summary>
    public bool Durable;
    public SortedSet<string> Subscribers = new(StringComparer.Ordinal);
    public List<KMessage> Queue = [];
    public long QueueNextId;
    public KCapData? Data;

    public KernelPromise Clone() => new()
    {
        State = State,
        RefCount = RefCount,
        Decider = Decider,
        Durable = Durable,
        Subscribers = new SortedSet<string>(Subscribers, StringComparer.Ordinal),
        Queue = [.. Queue],
        QueueNextId = QueueNextId,
        Data = Data,
    };

    public static string StateText(PromiseState s) => s switch
    {
        PromiseState.Unresolved => "unresolved",
        PromiseState.Fulfilled => "fulfilled",
        _ => "rejected",
    };
}
