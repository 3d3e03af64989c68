namespace ActorSwingSet.Protocol;

/// <summary>
/// A syscall after translation to krefs, as the vat actor reports it. The kernel applies these in order and checks
/// what only it can check (who decides a promise, who owns an object).
/// </summary>
internal abstract record KernelSyscall;

/// <summary>Send <see cref="Msg"/> to <see cref="Target"/>.</summary>
internal sealed record SendSyscall(Kref Target, KMessage Msg) : KernelSyscall;

/// <summary>Settle promises; translation already retired them from the c-list, the kernel checks that the vat decides each.</summary>
internal sealed record ResolveSyscall(IReadOnlyList<KResolution> Resolutions) : KernelSyscall;

/// <summary>Notify the vat when <see cref="Kpid"/> settles.</summary>
internal sealed record SubscribeSyscall(Kref Kpid) : KernelSyscall;

/// <summary>The decider marks <see cref="Kpid"/> durable (docs/KERNEL-SEMANTICS.md section 8).</summary>
internal sealed record MarkDurableSyscall(Kref Kpid) : KernelSyscall;

/// <summary>The vat-admin vat asks the kernel to create, upgrade or terminate a vat; <see cref="Result"/> reports the outcome.</summary>
internal sealed record VatAdminSyscall(KCapData Operation, Kref Result) : KernelSyscall;

/// <summary>The vat terminates itself, as a failure or not, with <see cref="Info"/> as the reason.</summary>
internal sealed record ExitSyscall(bool IsFailure, KCapData Info) : KernelSyscall;

/// <summary>Translation already cleared the reachable flags; the kernel only counts it.</summary>
internal sealed record DropImportsSyscall(IReadOnlyList<Kref> Krefs) : KernelSyscall;

/// <summary>Translation already deleted the entries; the kernel only counts it.</summary>
internal sealed record RetireImportsSyscall(IReadOnlyList<Kref> Krefs) : KernelSyscall;

/// <summary>The exporter forgets objects nobody recognizes: the kernel deletes them and tells importers.</summary>
internal sealed record RetireExportsSyscall(IReadOnlyList<Kref> Krefs) : KernelSyscall;

/// <summary>The exporter gives objects up: the kernel orphans them. Upgrade issues one for non-durable exports.</summary>
internal sealed record AbandonExportsSyscall(IReadOnlyList<Kref> Krefs) : KernelSyscall;

/// <summary>Upgrade's own abandonment of the old incarnation's non-durable exports (not a syscall the vat made).</summary>
internal sealed record AbandonNonDurableExports(IReadOnlyList<Kref> Krefs) : KernelSyscall;

/// <summary>A vatstore access, answered inside the vat actor; reported so the kernel can count it.</summary>
internal sealed record VatstoreSyscall(string Operation) : KernelSyscall;

/// <summary>
/// One step of a vat's reply, in the order it happened: a c-list change, or (when <see cref="Syscall"/> is set)
/// a syscall whose own c-list changes precede it.
/// </summary>
internal readonly record struct VatEffect(CListChange Change, KernelSyscall? Syscall)
{
    /// <summary>A c-list change on its own.</summary>
    public static VatEffect Of(CListChange c) => new(c, null);
    /// <summary>A syscall.</summary>
    public static VatEffect Of(KernelSyscall s) => new(default, s);
}
