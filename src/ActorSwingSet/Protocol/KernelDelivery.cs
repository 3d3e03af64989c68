namespace ActorSwingSet.Protocol;

/// <summary>A delivery in kernel terms (krefs), before the vat's translator turns it into a <see cref="Vats.VatDelivery"/>.</summary>
internal abstract record KernelDelivery;

/// <summary>Deliver <see cref="Msg"/> to <see cref="Target"/>, an object the vat exports or a promise it decides.</summary>
internal sealed record KMessageDelivery(Kref Target, KMessage Msg) : KernelDelivery;

/// <summary>One settled promise as the kernel describes it.</summary>
internal sealed record KResolution(Kref Kpid, bool Rejected, KCapData Data);

/// <summary>
/// Notify the vat that <see cref="Kpid"/> settled. <see cref="Resolutions"/> holds it and every settled promise
/// reachable through its data (SwingSet's getKpidsToRetire); all are retired from the c-list. If the vat no longer
/// holds <see cref="Kpid"/>, nothing is delivered.
/// </summary>
internal sealed record KNotifyDelivery(Kref Kpid, IReadOnlyList<KResolution> Resolutions) : KernelDelivery;

/// <summary>A GC delivery (dropExports, retireExports or retireImports) of <see cref="Krefs"/>.</summary>
internal sealed record KGcDelivery(GcDeliveryKind Kind, IReadOnlyList<Kref> Krefs) : KernelDelivery;

/// <summary>Ask the vat to release what it no longer uses.</summary>
internal sealed record KBringOutYourDead : KernelDelivery
{
    /// <summary>The one instance.</summary>
    public static readonly KBringOutYourDead Instance = new();
}

/// <summary>The first delivery of an incarnation, with its vat parameters.</summary>
internal sealed record KStartVat(KCapData VatParameters) : KernelDelivery;
