using ActorSwingSet.Kernel;

namespace ActorSwingSet.Observability;

/// <summary>The observers a kernel runs with, built from its settings by the composition root.</summary>
internal static class KernelObservability
{
    /// <summary>
    /// Metrics on the kernel's own meter (<see cref="KernelMetrics"/>), and the slog (<see cref="Slog"/>) when
    /// <see cref="KernelSettings.SlogFile"/> names a file.
    /// </summary>
    public static KernelObservers For(KernelSettings settings) => new(
        kernel => new KernelMetrics(kernel),
        onFailure => settings.SlogFile.Length > 0 ? Slog.Open(settings.SlogFile, settings.SlogTimestamps, onFailure) : null);
}
