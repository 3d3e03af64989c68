namespace ActorSwingSet.Kernel.State;

/// <summary>
/// What the kernel knows about a vat: how to (re)build it and where its root is. The vat's c-list, vatstore and
/// incarnation number belong to the vat actor, not here.
/// </summary>
internal sealed record VatRecord(
    string VatId,
    string? Name,
    bool Dynamic,
    string BundleName,
    bool EnablePipelining,
    KCapData VatParameters,
    Kref Root,
    bool Alive = true,
    long ReapDirt = 0);
