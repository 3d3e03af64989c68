using System.Diagnostics.CodeAnalysis;
using Akka.Actor;
using ActorSwingSet.Kernel;
using ActorSwingSet.Observability;
using ActorSwingSet.Persistence;
using ActorSwingSet.VatAdmin;

namespace ActorSwingSet;

/// <summary>
/// The ActorSystem extension that starts SwingSet kernels in an existing ActorSystem and keeps track of the ones
/// running there. Loading it merges the library's defaults (<c>hocon/actorswingset.conf</c>) under the system's
/// configuration as the top-level fallback, the way Akka modules merge their <c>reference.conf</c>, so
/// <c>system.Settings.Config</c> shows every <c>actorswingset</c> key. Each kernel is the actor
/// <c>/user/{actor-name}</c> (by default <c>/user/swingset-kernel</c>); its vat actors are its children, named by vat
/// ID (<c>/user/swingset-kernel/v1</c>, ...), and its journal, when persistence is on, is the child <c>journal</c>.
/// </summary>
public sealed class SwingSetKernels : IExtension
{
    private readonly ActorSystem _system;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SwingSetController> _running = new(StringComparer.Ordinal);

    /// <summary>Called by Akka once per ActorSystem; use <see cref="Get"/>.</summary>
    public SwingSetKernels(ExtendedActorSystem system)
    {
        _system = system;
        system.Settings.InjectTopLevelFallback(KernelSettings.DefaultConfig);
    }

    /// <summary>The extension of <paramref name="system"/>, loading it (and the defaults) on first use.</summary>
    public static SwingSetKernels Get(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system.WithExtension<SwingSetKernels, SwingSetKernelsProvider>();
    }

    /// <summary>
    /// Starts a kernel built from <paramref name="config"/> as <c>/user/{actorName}</c> (default: the HOCON setting
    /// <c>actorswingset.kernel.actor-name</c>). Settings come from the system's HOCON over the library defaults.
    /// Static vats start on the first run. Throws <see cref="ArgumentException"/> for a bad configuration and
    /// <see cref="InvalidOperationException"/> if a kernel (or another actor) already has that name, or if another
    /// running kernel journals under the same persistence ID; nothing is started then.
    /// </summary>
    public SwingSetController Start(KernelConfig config, string? actorName = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        KernelCore.Validate(config);
        var settings = KernelSettings.FromConfig(_system.Settings.Config);
        var name = actorName ?? settings.ActorName;
        if (!ActorPath.IsValidPathElement(name)) throw new ArgumentException($"'{name}' is not a valid actor name");
        settings = settings with { ActorName = name };
        lock (_gate)
        {
            if (_running.TryGetValue(name, out var running) && !running.WhenStopped.IsCompleted)
                throw new InvalidOperationException($"a SwingSet kernel named '{name}' already runs in ActorSystem '{_system.Name}' (/user/{name}); " +
                    "use that one (SwingSetKernels.TryGet) or start this one under another actor name");
            if (settings.Persistence.Enabled && Live().FirstOrDefault(c => c.Settings.Persistence.Enabled
                && c.Settings.Persistence.PersistenceId == settings.Persistence.PersistenceId) is { } twin)
                throw new InvalidOperationException(
                    $"the SwingSet kernel '{twin.Settings.ActorName}' already journals under persistence ID '{settings.Persistence.PersistenceId}'; " +
                    "two kernels cannot share one journal (set actorswingset.persistence.persistence-id)");
            if (settings.Persistence.Enabled) StoredStateSerializer.Register(_system);
            IActorRef kernel;
            try
            {
                kernel = _system.ActorOf(KernelProps(config, settings), name);
            }
            catch (InvalidActorNameException e)
            {
                throw new InvalidOperationException($"/user/{name} is already taken by another actor in ActorSystem '{_system.Name}'"
                    + "; start the kernel under another actor name", e);
            }
            var controller = new SwingSetController(_system, kernel, settings);
            _running[name] = controller;
            controller.WhenStopped.ContinueWith(_ => Forget(name, controller), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return controller;
        }
    }

    /// <summary>The registered kernels that have not stopped (one may have stopped before <see cref="Forget"/> ran).</summary>
    private IEnumerable<SwingSetController> Live() => _running.Values.Where(c => !c.WhenStopped.IsCompleted);

    private void Forget(string name, SwingSetController controller)
    {
        lock (_gate)
        {
            if (_running.TryGetValue(name, out var current) && current == controller) _running.Remove(name);
        }
    }

    /// <summary>
    /// The composition root: props for a kernel actor built from <paramref name="config"/>, with its system vats
    /// (<see cref="WithSystemVats"/>) and its observers (metrics, and the slog when the settings name a file). The
    /// kernel itself names neither the vat-admin vat's code nor the observers' classes.
    /// </summary>
    internal static Props KernelProps(KernelConfig config, KernelSettings settings) =>
        KernelActor.Props(WithSystemVats(config), settings, KernelObservability.For(settings));

    /// <summary>
    /// <paramref name="config"/> with the kernel's own static vats: the vat-admin vat (created first) when
    /// <see cref="KernelConfig.EnableVatAdmin"/> is set, its bundle registered in the config's bundles.
    /// </summary>
    internal static KernelConfig WithSystemVats(KernelConfig config)
    {
        if (!config.EnableVatAdmin) return config;
        VatAdminVat.Register(config.Bundles);
        return config with { SystemVats = [new StaticVatConfig(VatAdminVat.VatName, VatAdminVat.BundleName)] };
    }

    /// <summary>The running kernel whose actor is <c>/user/{actorName}</c>, if there is one.</summary>
    public bool TryGet(string actorName, [NotNullWhen(true)] out SwingSetController? controller)
    {
        lock (_gate)
        {
            if (_running.TryGetValue(actorName, out controller) && !controller.WhenStopped.IsCompleted) return true;
            controller = null;
            return false;
        }
    }

    /// <summary>The kernels running in this ActorSystem, by actor name.</summary>
    public IReadOnlyList<SwingSetController> Running
    {
        get
        {
            lock (_gate) return [.. Live().OrderBy(c => c.Settings.ActorName, StringComparer.Ordinal)];
        }
    }
}

/// <summary>Akka's extension ID for <see cref="SwingSetKernels"/>.</summary>
public sealed class SwingSetKernelsProvider : ExtensionIdProvider<SwingSetKernels>
{
    /// <summary>Creates the extension for <paramref name="system"/> (Akka calls this once per system).</summary>
    public override SwingSetKernels CreateExtension(ExtendedActorSystem system) => new(system);
}

/// <summary>Starting a SwingSet kernel in an ActorSystem you already have (no Akka.Hosting needed).</summary>
public static class ActorSystemSwingSetExtensions
{
    /// <summary>
    /// Starts a kernel under <c>/user/{actorName}</c> (default <c>/user/swingset-kernel</c>) in this ActorSystem and
    /// returns its controller; see <see cref="SwingSetKernels.Start"/>.
    /// </summary>
    public static SwingSetController StartSwingSet(this ActorSystem system, KernelConfig config, string? actorName = null) =>
        SwingSetKernels.Get(system).Start(config, actorName);
}
