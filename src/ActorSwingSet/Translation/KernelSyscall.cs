using ActorSwingSet.Kernel.State;
using ActorSwingSet.Marshal;
using ActorSwingSet.References;

namespace ActorSwingSet.Translation;

/// <summary>
/// A syscall after translation to krefs, as the vat actor reports it. The kernel applies these in order and checks
/// what only it can check (who decides a promise, who owns an object).
/// </summary>
public abstract record KernelSyscall;

public sealed record SendSyscall(Kref Target, KMessage Msg) : KernelSyscall;

public sealed record ResolveSyscall(IReadOnlyList<KResolution> Resolutions) : KernelSyscall;

public sealed record SubscribeSyscall(Kref Kpid) : KernelSyscall;

/// <summary>The decider marks <see cref="Kpid"/> durable (semantics section 8).</summary>
public sealed record MarkDurableSyscall(Kref Kpid) : KernelSyscall;

/// <summary>The vat-admin vat asks the kernel to create, upgrade or terminate a vat; <see cref="Result"/> reports the outcome.</summary>
public sealed record VatAdminSyscall(KCapData Operation, Kref Result) : KernelSyscall;

public sealed record ExitSyscall(bool IsFailure, KCapData Info) : KernelSyscall;

/// <summary>Translation already cleared the reachable flags; the kernel only counts it.</summary>
public sealed record DropImportsSyscall(IReadOnlyList<Kref> Krefs) : KernelSyscall;

/// <summary>Translation already deleted the entries; the kernel only counts it.</summary>
public sealed record RetireImportsSyscall(IReadOnlyList<Kref> Krefs) : KernelSyscall;

/// <summary>The exporter forgets objects nobody recognizes: the kernel deletes them and tells importers.</summary>
public sealed record RetireExportsSyscall(IReadOnlyList<Kref> Krefs) : KernelSyscall;

/// <summary>The exporter gives objects up: the kernel orphans them. Upgrade issues one for non-durable exports.</summary>
public sealed record AbandonExportsSyscall(IReadOnlyList<Kref> Krefs) : KernelSyscall;

/// <summary>Upgrade's own abandonment of the old incarnation's non-durable exports (not a syscall the vat made).</summary>
public sealed record AbandonNonDurableExports(IReadOnlyList<Kref> Krefs) : KernelSyscall;

/// <summary>A vatstore access, answered inside the vat actor; reported so the kernel can count it.</summary>
public sealed record VatstoreSyscall(string Operation) : KernelSyscall;

/// <summary>
/// One step of a vat's reply, in the order it happened: a c-list change, or (when <see cref="Syscall"/> is set)
/// a syscall whose own c-list changes precede it.
/// </summary>
public readonly record struct VatEffect(CListChange Change, KernelSyscall? Syscall)
{
    public static VatEffect Of(CListChange c) => new(c, null);
    public static VatEffect Of(KernelSyscall s) => new(default, s);
}
