using Microsoft.CodeAnalysis;

namespace ActorSwingSet.Analyzers;

/// <summary>
/// The vat-code diagnostics, one per kind of non-determinism SwingSet takes away from vats with SES lockdown. Each is an
/// error by default; <c>.editorconfig</c> changes it as usual (<c>dotnet_diagnostic.ASW0001.severity = warning</c>).
/// </summary>
internal static class VatDiagnostics
{
    private const string Category = "ActorSwingSet.Determinism";
    private const string Why = "vat code must be deterministic, so that replaying its transcript after a restart makes the same syscalls";

    /// <summary>The help pages; the docs page sits in the repository at <c>docs/analyzers.md</c>, one section per ID.</summary>
    private const string HelpBase = "docs/analyzers.md#";

    /// <summary>The diagnostic property naming the code fix that applies (<see cref="FixRemoveCall"/>, <see cref="FixMakeReadOnly"/>).</summary>
    internal const string FixProperty = "fix";

    /// <summary>The <c>ConfigureAwait(false)</c> call can be removed.</summary>
    internal const string FixRemoveCall = "remove-call";

    /// <summary>The static field holds an immutable type, so making it readonly (when nothing writes it) settles it.</summary>
    internal const string FixMakeReadOnly = "make-readonly";

    internal static readonly DiagnosticDescriptor WallClock = Rule(
        "ASW0001", "Vat code reads the wall clock",
        "'{0}' reads the clock, which differs between a vat's first run and its replay; " + Why,
        "Time in a vat comes from the kernel (a timer service vat, a value passed in a message), never from the machine's clock: a replay " +
            "after a restart runs later and would see a different time.");

    internal static readonly DiagnosticDescriptor Randomness = Rule(
        "ASW0002", "Vat code uses randomness",
        "'{0}' is a source of randomness, which differs between a vat's first run and its replay; " + Why,
        "A vat that needs unpredictable values gets them from outside, in a message; a seeded generator whose seed and state live in " +
            "durable storage is deterministic, but System.Random's sequence is not specified across .NET versions.");

    internal static readonly DiagnosticDescriptor Timers = Rule(
        "ASW0003", "Vat code waits on a timer",
        "'{0}' waits on a timer, whose firing depends on the machine's clock and load; " + Why,
        "A continuation scheduled by a timer runs outside the vat's delivery (the kernel ignores it or terminates the vat) and at a time " +
            "replay cannot reproduce. Ask a timer service vat for a wake-up instead.");

    internal static readonly DiagnosticDescriptor ThreadPool = Rule(
        "ASW0004", "Vat code queues work to the thread pool",
        "'{0}' runs code on the thread pool, outside the vat's delivery and in an order that depends on timing; " + Why,
        "Vat code runs one delivery at a time on the vat's own scheduler; work queued elsewhere escapes the delivery, so its syscalls are " +
            "lost or come in an order a replay would not repeat. Call the code directly, or send a message.");

    internal static readonly DiagnosticDescriptor ConfigureAwaitFalse = Rule(
        "ASW0005", "Vat code awaits with ConfigureAwait(false)",
        "'{0}' lets the continuation run on a thread-pool thread instead of the vat's scheduler, outside its delivery; " + Why,
        "An await in vat code must resume on the vat's scheduler, inside the delivery that is running. ConfigureAwait(false) (or " +
            "ConfigureAwaitOptions without ContinueOnCapturedContext) resumes on the thread pool; remove it.");

    internal static readonly DiagnosticDescriptor Threads = Rule(
        "ASW0006", "Vat code starts threads or parallel work",
        "'{0}' runs vat code on other threads at the same time, in an order that depends on timing; " + Why,
        "Vat code is single-threaded: a delivery's syscalls must come in one order, the same in every replay.");

    internal static readonly DiagnosticDescriptor StaticState = Rule(
        "ASW0007", "Vat code keeps static mutable state",
        "'{0}' is static mutable state ({1}): it outlives the vat's incarnation, is shared by every vat in the process, and replay cannot restore it; " + Why,
        "State a vat keeps must live in its baggage, kind state or instance fields: static state is shared by all vats in the process, " +
            "survives an upgrade that should have discarded it, and is lost at a restart that replay does not restore. A static readonly field " +
            "of an immutable type (a string, a number, an enum, an immutable collection) is fine.");

    internal static readonly DiagnosticDescriptor FileAndNetwork = Rule(
        "ASW0008", "Vat code does file or network I/O",
        "'{0}' does file or network I/O, whose result can differ between a vat's first run and its replay; " + Why,
        "A vat reaches the world only through the kernel: messages to other vats and devices. Files and sockets change between a run and " +
            "its replay, and their effects would happen again at every replay.");

    internal static readonly DiagnosticDescriptor EnvironmentAccess = Rule(
        "ASW0009", "Vat code reads the process environment",
        "'{0}' reads or changes the process and its environment, which differ between a vat's first run and its replay; " + Why,
        "Environment variables, the current directory, the machine name and the process differ after a restart or on another machine; pass " +
            "what a vat needs as its vatParameters or in a message.");

    private static DiagnosticDescriptor Rule(string id, string title, string message, string description) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, description,
            helpLinkUri: HelpBase + id.ToLowerInvariant());
}
