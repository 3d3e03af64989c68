using ActorSwingSet.Kernel.State;
using ActorSwingSet.Vat.Messages;

namespace ActorSwingSet.Kernel;

/// <summary>
/// The crank trace (SwingSet's slog): what the crank engine and the kernel actor tell about each crank, delivery,
/// syscall and commit as it happens. It only observes: it is never consulted for a kernel decision, and a trace that
/// fails turns itself off without stopping or changing the kernel. <c>Observability.Slog</c> writes it as JSON lines.
/// </summary>
internal interface ICrankTrace : IDisposable
{
    /// <summary>A crank begins: a routing crank from the acceptance queue, a delivery crank, or GC actions (no event).</summary>
    void CrankStart(long crankNum, bool routing, KernelEvent? ev);

    /// <summary>The crank ended (committed or rolled back).</summary>
    void CrankFinish(long crankNum);

    /// <summary>A delivery to a vat, in kernel terms.</summary>
    void Deliver(long crankNum, string vatId, KernelDelivery kd);

    /// <summary>The vat's answer to a delivery, and the problem when the delivery failed.</summary>
    void DeliverResult(long crankNum, string vatId, DeliveryStatus status, string? problem);

    /// <summary>A syscall the kernel performs for a vat, in kernel terms.</summary>
    void Syscall(long crankNum, string vatId, KernelSyscall sc);

    /// <summary>A block of <paramref name="writes"/> kvStore writes was committed at <paramref name="crankNum"/>.</summary>
    void Commit(long crankNum, long block, int writes);

    /// <summary>Pushes what is buffered to its destination (after each run slice and each commit).</summary>
    void Flush();
}

/// <summary>
/// Where the kernel actor publishes a snapshot of its stats (when it starts, after each run slice and after each
/// commit); <c>Observability.KernelMetrics</c> turns them into .NET metrics. Never read back by the kernel.
/// </summary>
internal interface IKernelStatsSink : IDisposable
{
    /// <summary>Replaces the last published snapshot with <paramref name="stats"/>.</summary>
    void Publish(KernelStats stats);
}

/// <summary>
/// How a kernel actor gets its observers, from whoever assembles the kernel (<c>SwingSetKernels</c>): the kernel
/// names only these interfaces, never the classes that implement them.
/// </summary>
/// <param name="Metrics">Builds the stats sink of the kernel whose actor path it is given.</param>
/// <param name="OpenTrace">Opens the crank trace, reporting a failure to open or write it to the given action; null when
/// there is none.</param>
internal sealed record KernelObservers(Func<string, IKernelStatsSink> Metrics, Func<Action<Exception>, ICrankTrace?> OpenTrace);
