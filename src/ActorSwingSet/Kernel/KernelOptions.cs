using ActorSwingSet.Kernel;

namespace ActorSwingSet;

/// <summary>One vat created with the kernel (a static vat).</summary>
/// <param name="Name">The vat's name, which host calls such as <see cref="SwingSetController.QueueToVatRootAsync(string, string, object?[])"/> accept instead of its ID.</param>
/// <param name="BundleName">The bundle (a name in <see cref="KernelConfig.Bundles"/>) its first incarnation runs.</param>
/// <param name="VatParameters">The vatParameters its startVat receives; null for none.</param>
/// <param name="EnablePipelining">True to deliver messages sent to promises the vat decides to the vat itself instead of queueing them in the kernel.</param>
public sealed record StaticVatConfig(string Name, string BundleName, KCapData? VatParameters = null, bool EnablePipelining = false);

/// <summary>How to build a kernel: its vat code, its static vats and its policies.</summary>
public sealed record KernelConfig
{
    /// <summary>The vat code, by bundle name, that vats are created, restored and upgraded from.</summary>
    public required VatBundleRegistry Bundles { get; init; }
    /// <summary>The static vats, created with the kernel; each receives startVat on the first run.</summary>
    public IReadOnlyList<StaticVatConfig> Vats { get; init; } = [];
    /// <summary>
    /// Deliveries a vat receives before the kernel schedules a bringOutYourDead for it; 0 never reaps. When null,
    /// the HOCON setting <c>actorswingset.kernel.reap-interval</c> applies.
    /// </summary>
    public long? ReapInterval { get; init; }

    /// <summary>
    /// Reproduces SwingSet bug #9039 on purpose: upgrade rejects the vat's promises but leaves their c-list entries
    /// behind, leaking them. Off by default; it exists so tests and tools can produce damaged state honestly and
    /// check that remediation repairs it.
    /// </summary>
    public bool ReproduceUpgradeLeakBug9039 { get; init; }

    /// <summary>
    /// Runs the vat-admin vat (static vat <c>vatAdmin</c>, created first): a service vats use to create, upgrade
    /// and terminate dynamic vats and to await their end. Its root is
    /// <see cref="SwingSetController.GetVatAdminServiceAsync"/>. Off by default; a stored kernel keeps the
    /// choice it was created with.
    /// </summary>
    public bool EnableVatAdmin { get; init; }

    /// <summary>
    /// The vat-admin vat's name among the static vats: the kernel finds the vat-admin vat by it, and no other vat
    /// may take it. The vat itself (<c>VatAdmin/</c>) sits above the kernel, which never names its code.
    /// </summary>
    internal const string VatAdminVatName = "vatAdmin";

    /// <summary>
    /// The kernel's own static vats, created before <see cref="Vats"/>: the vat-admin vat when
    /// <see cref="EnableVatAdmin"/> is set. Filled in by whoever assembles the kernel
    /// (<see cref="SwingSetKernels.WithSystemVats"/>), which also registers their bundles.
    /// </summary>
    internal IReadOnlyList<StaticVatConfig> SystemVats { get; init; } = [];

    /// <summary>The static vats to create: the <see cref="SystemVats"/> first, then <see cref="Vats"/>.</summary>
    internal IReadOnlyList<StaticVatConfig> StaticVats() => SystemVats.Count == 0 ? Vats : [.. SystemVats, .. Vats];
}

/// <summary>
/// The parts of <see cref="KernelConfig"/> the crank engine consults, and who observes it (never consulted for a
/// decision).
/// </summary>
internal sealed record KernelOptions(VatBundleRegistry Bundles, long ReapInterval, bool ReproduceUpgradeLeakBug9039 = false)
{
    /// <summary>Told about vat creation, upgrade and termination (the kernel actor logs them).</summary>
    public IKernelListener? Listener { get; init; }

    /// <summary>Where cranks, deliveries and syscalls are traced as JSON lines; null (the default) traces nothing.</summary>
    public ICrankTrace? Slog { get; init; }
}
