namespace ActorSwingSet.Vats;

/// <summary>A delivery as the vat sees it: every reference is a vref from its own c-list.</summary>
public abstract record VatDelivery;

/// <summary>Invoke a method on one of the vat's exports (or, with pipelining, a promise it decides).</summary>
/// <param name="Target">The vref of the export (<c>o+N</c>) or promise the message is sent to.</param>
/// <param name="Methargs"><c>[method, [args...]]</c> as vat capdata.</param>
/// <param name="Result">The vpid of the result promise the vat now decides; null for a send-only message.</param>
public sealed record MessageDelivery(string Target, VCapData Methargs, string? Result) : VatDelivery;

/// <summary>One settled promise in a notify.</summary>
/// <param name="Vpid">The promise, as the vat knows it.</param>
/// <param name="Rejected">True for a rejection, false for a fulfilment.</param>
/// <param name="Data">The value or rejection reason.</param>
public sealed record VatResolution(string Vpid, bool Rejected, VCapData Data);

/// <summary>Promises the vat holds have settled. Each vpid is retired from the c-list as this is delivered.</summary>
/// <param name="Resolutions">The settled promises, with their values.</param>
public sealed record NotifyDelivery(IReadOnlyList<VatResolution> Resolutions) : VatDelivery;

/// <summary>Nobody else can reach these exports any more (they stay recognizable).</summary>
/// <param name="Vrefs">The exports (<c>o+N</c>).</param>
public sealed record DropExportsDelivery(IReadOnlyList<string> Vrefs) : VatDelivery;

/// <summary>Nobody else can even recognize these exports: forget them.</summary>
/// <param name="Vrefs">The exports (<c>o+N</c>).</param>
public sealed record RetireExportsDelivery(IReadOnlyList<string> Vrefs) : VatDelivery;

/// <summary>These imports' exporter is gone: forget them.</summary>
/// <param name="Vrefs">The imports (<c>o-N</c>).</param>
public sealed record RetireImportsDelivery(IReadOnlyList<string> Vrefs) : VatDelivery;

/// <summary>Release what you no longer use (drop and retire unused imports).</summary>
public sealed record BringOutYourDeadDelivery : VatDelivery
{
    /// <summary>The one instance.</summary>
    public static readonly BringOutYourDeadDelivery Instance = new();
}

/// <summary>The first delivery of every incarnation.</summary>
/// <param name="VatParameters">The vatParameters this incarnation was created or upgraded with.</param>
public sealed record StartVatDelivery(VCapData VatParameters) : VatDelivery;
