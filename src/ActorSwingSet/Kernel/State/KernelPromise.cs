using ActorSwingSet.Schema;

namespace ActorSwingSet.Kernel.State;

/// <summary>
/// One promise-table row as the keeper hands it out: read-only (only <see cref="KernelKeeper"/> changes rows, and
/// it journals each change per crank).
/// </summary>
internal interface IKernelPromise
{
    /// <summary>Unresolved, fulfilled or rejected.</summary>
    PromiseState State { get; }
    /// <summary>The references to it: c-list entries, queued messages, resolution data and the kernel's holds.</summary>
    long RefCount { get; }
    /// <summary>The vat allowed to resolve it; null when the kernel (or the run-queue) decides.</summary>
    string? Decider { get; }
    /// <summary>
    /// The decider marked it durable (docs/KERNEL-SEMANTICS.md section 8): its upgrade leaves it unresolved and in the c-list.
    /// The mark belongs to the decider and is cleared when the decision moves elsewhere.
    /// </summary>
    bool Durable { get; }
    /// <summary>The vats to notify when it settles, in ID text order.</summary>
    ReadOnlySortedSet<string> Subscribers { get; }
    /// <summary>The messages sent to it while unresolved, in arrival order.</summary>
    IReadOnlyList<KMessage> Queue { get; }
    /// <summary>The stored position of the next message queued on it.</summary>
    long QueueNextId { get; }
    /// <summary>The resolution, once settled.</summary>
    KCapData? Data { get; }
}

/// <summary>The stored spelling of a <see cref="PromiseState"/> (the <c>kpN.state</c> value).</summary>
internal static class PromiseStateText
{
    /// <summary>"unresolved", "fulfilled" or "rejected".</summary>
    public static string Of(PromiseState s) => s switch
    {
        PromiseState.Unresolved => KvKeys.PromiseStateValue.Unresolved,
        PromiseState.Fulfilled => KvKeys.PromiseStateValue.Fulfilled,
        _ => KvKeys.PromiseStateValue.Rejected,
    };

    /// <summary>Reads a stored state; false for any other text.</summary>
    public static bool TryParse(string text, out PromiseState state)
    {
        (var known, state) = text switch
        {
            KvKeys.PromiseStateValue.Unresolved => (true, PromiseState.Unresolved),
            KvKeys.PromiseStateValue.Fulfilled => (true, PromiseState.Fulfilled),
            KvKeys.PromiseStateValue.Rejected => (true, PromiseState.Rejected),
            _ => (false, default),
        };
        return known;
    }
}
