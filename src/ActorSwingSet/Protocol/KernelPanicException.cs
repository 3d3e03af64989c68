namespace ActorSwingSet;

/// <summary>
/// The kernel found its own state inconsistent. It stops and persists nothing further; the host must restart it
/// from the last committed state.
/// </summary>
public sealed class KernelPanicException(string message, Exception? inner = null)
    : Exception(message.StartsWith("kernel panic: ", StringComparison.Ordinal) ? message : "kernel panic: " + message, inner);
