namespace ActorSwingSet.Vats;

/// <summary>A delivery as the vat sees it: every reference is a vref from its own c-list.</summary>
public abstract record VatDelivery;

/// <summary>Invoke a method on one of the vat's exports (or, with pipelining, a promise it decides).</summary>
public sealed record MessageDelivery(string Target, VCapData Methargs, string? Result) : VatDelivery;

/// <summary>One settled promise in a notify.</summary>
public sealed record VatResolution(string Vpid, bool Rejected, VCapData Data);

/// <summary>Promises the vat holds have settled. Each vpid is retired from the c-list as this is delivered.</summary>
public sealed record NotifyDelivery(IReadOnlyList<VatResolution> Resolutions) : VatDelivery;

/// <summary>Nobody else can reach these exports any more (they stay recognizable).</summary>
public sealed record DropExportsDelivery(IReadOnlyList<string> Vrefs) : VatDelivery;

/// <summary>Nobody else can even recognize these exports: forget them.</summary>
public sealed record RetireExportsDelivery(IReadOnlyList<string> Vrefs) : VatDelivery;

/// <summary>These imports' exporter is gone: forget them.</summary>
public sealed record RetireImportsDelivery(IReadOnlyList<string> Vrefs) : VatDelivery;

/// <summary>Release what you no longer use (drop and retire unused imports).</summary>
public sealed record BringOutYourDeadDelivery : VatDelivery
{
    /// <summary>The one instance.</summary>
    public static readonly BringOutYourDeadDelivery Instance = new();
}

/// <summary>The first delivery of every incarnation.</summary>
public sealed record StartVatDelivery(VCapData VatParameters) : VatDelivery;
