namespace ActorSwingSet.Kernel.State;

/// <summary>
/// A run-queue (or acceptance-queue) event. Every kref an event names holds one reference from the moment it is
/// queued until the crank that consumes it; <see cref="Krefs"/> lists them for the refcounts and the audit.
/// </summary>
internal abstract record KernelEvent
{
    /// <summary>The type tag SwingSet uses in its queue JSON.</summary>
    public abstract string Type { get; }

    /// <summary>The krefs this event names, each counted once.</summary>
    public abstract IEnumerable<Kref> Krefs();
}

/// <summary>Deliver <see cref="Msg"/> to <see cref="Target"/> (an object, or a promise to be routed).</summary>
internal sealed record SendEvent(Kref Target, KMessage Msg) : KernelEvent
{
    /// <inheritdoc/>
    public override string Type => "send";
    /// <summary>The target, then the result promise and the argument slots.</summary>
    public override IEnumerable<Kref> Krefs() => Msg.Krefs().Prepend(Target);
}

/// <summary>Tell <see cref="VatId"/> that <see cref="Kpid"/> has settled.</summary>
internal sealed record NotifyEvent(string VatId, Kref Kpid) : KernelEvent
{
    /// <inheritdoc/>
    public override string Type => "notify";
    /// <summary>The settled promise.</summary>
    public override IEnumerable<Kref> Krefs() { yield return Kpid; }
}

/// <summary>A GC delivery to <see cref="VatId"/>. Derived from <c>gcActions</c>; its krefs hold no references.</summary>
internal sealed record GcEvent(GcDeliveryKind Kind, string VatId, IReadOnlyList<Kref> Targets) : KernelEvent
{
    /// <inheritdoc/>
    public override string Type => Kind switch
    {
        GcDeliveryKind.DropExports => "dropExports",
        GcDeliveryKind.RetireExports => "retireExports",
        _ => "retireImports",
    };
    /// <summary>None: GC deliveries hold no references.</summary>
    public override IEnumerable<Kref> Krefs() => [];
}

/// <summary>Ask a vat to release what it no longer uses.</summary>
internal sealed record BringOutYourDeadEvent(string VatId) : KernelEvent
{
    /// <inheritdoc/>
    public override string Type => "bringOutYourDead";
    /// <summary>None.</summary>
    public override IEnumerable<Kref> Krefs() => [];
}

/// <summary>Start a static vat: deliver <c>startVat(vatParameters)</c>.</summary>
internal sealed record StartVatEvent(string VatId, KCapData VatParameters) : KernelEvent
{
    /// <inheritdoc/>
    public override string Type => "startVat";
    /// <summary>The vat parameters' slots.</summary>
    public override IEnumerable<Kref> Krefs() => VatParameters.Slots;
}

/// <summary>Create a dynamic vat from a registered bundle and start it; settle <see cref="Result"/> with the outcome.</summary>
internal sealed record CreateVatEvent(string VatId, string BundleName, KCapData VatParameters, bool EnablePipelining, Kref Result) : KernelEvent
{
    /// <inheritdoc/>
    public override string Type => "create-vat";
    /// <summary>The result promise, then the vat parameters' slots.</summary>
    public override IEnumerable<Kref> Krefs() => VatParameters.Slots.Prepend(Result);
}

/// <summary>Upgrade a vat to <see cref="BundleName"/> (docs/KERNEL-SEMANTICS.md section 6); settle <see cref="Result"/> with the outcome.</summary>
internal sealed record UpgradeVatEvent(string VatId, string BundleName, KCapData VatParameters, string UpgradeMessage, Kref Result) : KernelEvent
{
    /// <inheritdoc/>
    public override string Type => "upgrade-vat";
    /// <summary>The result promise, then the new vat parameters' slots.</summary>
    public override IEnumerable<Kref> Krefs() => VatParameters.Slots.Prepend(Result);
}

/// <summary>Terminate a vat from outside (its admin or the host); settle <see cref="Result"/> once done.</summary>
internal sealed record TerminateVatEvent(string VatId, bool Reject, KCapData Reason, Kref Result) : KernelEvent
{
    /// <inheritdoc/>
    public override string Type => "terminate-vat";
    /// <summary>The result promise, then the reason's slots.</summary>
    public override IEnumerable<Kref> Krefs() => Reason.Slots.Prepend(Result);
}
