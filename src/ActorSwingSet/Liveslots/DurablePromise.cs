using ActorSwingSet.Liveslots;

namespace ActorSwingSet.Vats;

/// <summary>
/// A promise this vat decides that survives upgrade (docs/KERNEL-SEMANTICS.md section 8, beyond SwingSet): the kernel leaves it
/// unresolved and in the vat's c-list, and whichever incarnation holds it (from baggage or durable state) may
/// settle it. Passing <see cref="Promise"/> (or this object) to another vat passes the promise.
/// </summary>
public sealed class DurablePromise
{
    private readonly PromiseTable _table;

    internal DurablePromise(PromiseTable table, string vpid, Task<object?> promise)
    {
        _table = table;
        Vpid = vpid;
        Promise = promise;
    }

    /// <summary>The vat's reference for it (<c>p+N</c>).</summary>
    public string Vpid { get; }

    /// <summary>The promise, for this incarnation: await it, pass it, watch it.</summary>
    public Task<object?> Promise { get; }

    /// <summary>Whether it is still unresolved.</summary>
    public bool IsPending => _table.IsDurablePending(Vpid);

    /// <summary>Fulfils it; throws <see cref="InvalidOperationException"/> if it was already settled.</summary>
    public void Resolve(object? value) => _table.SettleDurable(this, false, value);

    /// <summary>Rejects it; throws <see cref="InvalidOperationException"/> if it was already settled.</summary>
    public void Reject(object? reason) => _table.SettleDurable(this, true, reason);

    /// <summary><c>[DurablePromise p+N]</c>, for messages and logs.</summary>
    public override string ToString() => $"[DurablePromise {Vpid}]";
}
