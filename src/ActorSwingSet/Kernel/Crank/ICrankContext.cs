using ActorSwingSet.Kernel.State;
using ActorSwingSet.Vat.Messages;

namespace ActorSwingSet.Kernel.Crank;

/// <summary>
/// What a handler may use while it performs its event: the kernel's tables, the vats (each request is recorded so an
/// abort reaches every vat the crank touched), and where life events are reported. It cannot commit, abort or end a
/// crank: that is decided by the <see cref="CrankResult"/> it returns.
/// </summary>
internal interface ICrankContext
{
    /// <summary>The kernel's tables, with the crank's journal.</summary>
    KernelKeeper Keeper { get; }

    /// <summary>The vat bundles the kernel can start.</summary>
    VatBundleRegistry Bundles { get; }

    /// <summary>Where vat life events are reported, if anywhere.</summary>
    IKernelListener? Listener { get; }

    /// <summary>The structured log of cranks, deliveries and syscalls, if one is kept.</summary>
    ICrankTrace? Slog { get; }

    /// <summary>Sends a request to a vat and waits for its reply.</summary>
    Task<TReply> RequestAsync<TReply>(string vatId, VatRequest<TReply> request) where TReply : class;

    /// <summary>Delivers to a vat, lending it the kernel's next kref numbers.</summary>
    Task<DeliveryReply> DeliverAsync(string vatId, KernelDelivery delivery);

    /// <summary>Creates the vat's host with its root export, and the root object owned by it, pinned while the vat lives.</summary>
    Kref CreateVatHost(string vatId, string bundleName, bool enablePipelining);
}
