using ActorSwingSet.Kernel.State;
using ActorSwingSet.Marshal;
using ActorSwingSet.References;

namespace ActorSwingSet.Kernel.Crank;

/// <summary>Kernel operations made of several keeper steps, shared by the handlers and the host operations.</summary>
internal static class KernelKeeperOperations
{
    /// <summary>SwingSet's doResolve: notify every subscriber, then settle (queued messages are re-sent).</summary>
    public static void ResolvePromise(this KernelKeeper keeper, Kref kpid, bool rejected, KCapData data)
    {
        var p = keeper.GetPromise(kpid);
        foreach (var subscriber in p.Subscribers) keeper.Accept(new NotifyEvent(subscriber, kpid));
        keeper.SettlePromise(kpid, rejected, data);
    }

    /// <summary>Settles a promise the kernel itself decides (no decider).</summary>
    public static void ResolveByKernel(this KernelKeeper keeper, Kref kpid, bool rejected, KCapData data)
    {
        var p = keeper.GetPromise(kpid);
        if (p.State != PromiseState.Unresolved) throw new KernelPanicException($"{kpid} was already resolved");
        if (p.Decider is not null) throw new KernelPanicException($"{kpid} is decided by {p.Decider}, not the kernel");
        keeper.ResolvePromise(kpid, rejected, data);
    }

    /// <summary>Stores the vat's parameters; their slots are kernel-held references.</summary>
    public static void SetVatParameters(this KernelKeeper keeper, string vatId, KCapData parameters)
    {
        var v = keeper.Vat(vatId)!;
        foreach (var s in parameters.Slots) keeper.Incref(s);
        foreach (var s in v.VatParameters.Slots) keeper.Decref(s);
        keeper.PutVat(v with { VatParameters = parameters });
    }

    /// <summary>The live vats in vat-ID order (v2 before v10).</summary>
    public static List<VatRecord> LiveVatsInOrder(this KernelKeeper keeper) =>
        [.. keeper.Vats.Where(v => v.Alive).OrderBy(v => v.VatId, Comparer<string>.Create(VatId.Compare))];
}
