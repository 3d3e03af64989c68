using ActorSwingSet.Kernel.State;
using ActorSwingSet.Marshal;
using ActorSwingSet.References;

namespace ActorSwingSet.Translation;

/// <summary>A delivery in kernel terms (krefs), before the vat's translator turns it into a <see cref="Vat.VatDelivery"/>.</summary>
public abstract record KernelDelivery;

public sealed record KMessageDelivery(Kref Target, KMessage Msg) : KernelDelivery;

/// <summary>One settled promise as the kernel describes it.</summary>
public sealed record KResolution(Kref Kpid, bool Rejected, KCapData Data);

/// <summary>
/// Notify the vat that <see cref="Kpid"/> settled. <see cref="Resolutions"/> holds it and every settled promise
/// reachable through its data (SwingSet's getKpidsToRetire); all are retired from the c-list. If the vat no longer
/// holds <see cref="Kpid"/>, nothing is delivered.
/// </summary>
public sealed record KNotifyDelivery(Kref Kpid, IReadOnlyList<KResolution> Resolutions) : KernelDelivery;

public sealed record KGcDelivery(GcDeliveryKind Kind, IReadOnlyList<Kref> Krefs) : KernelDelivery;

public sealed record KBringOutYourDead : KernelDelivery
{
    public static readonly KBringOutYourDead Instance = new();
}

public sealed record KStartVat(KCapData VatParameters) : KernelDelivery;
