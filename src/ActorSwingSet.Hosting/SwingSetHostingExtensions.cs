using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ActorSwingSet.Hosting;

/// <summary>
/// ActorSwingSet in an Akka.Hosting application:
/// <c>services.AddAkka("app", akka =&gt; akka.WithActorSwingSet(o =&gt; ...)).AddSwingSetController()</c>.
/// </summary>
public static class SwingSetHostingExtensions
{
    /// <summary>
    /// Runs a SwingSet kernel in the ActorSystem Akka.Hosting builds (no second ActorSystem): the options' HOCON is
    /// added over the builder's, the kernel starts with the system as <c>/user/{actor-name}</c> (by default
    /// <c>/user/swingset-kernel</c>) and is registered in the <see cref="ActorRegistry"/> under
    /// <see cref="KernelActor"/> (so <c>IRequiredActor&lt;KernelActor&gt;</c> finds it), and the host's shutdown
    /// commits a last block (with storage, unless <see cref="SwingSetOptions.CommitOnShutdown"/> is off) and stops the
    /// kernel through CoordinatedShutdown. One kernel per builder; more kernels in one system start with
    /// <see cref="ActorSystemSwingSetExtensions.StartSwingSet"/>.
    /// </summary>
    public static AkkaConfigurationBuilder WithActorSwingSet(this AkkaConfigurationBuilder builder, Action<SwingSetOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new SwingSetOptions();
        configure(options);
        builder.AddHocon(options.ToConfig(), HoconAddMode.Prepend);
        var config = options.ToKernelConfig();
        return builder.WithActors((system, registry) =>
        {
            var controller = system.StartSwingSet(config, options.ActorName);
            registry.Register<KernelActor>(controller.Kernel);
            controller.StopOnCoordinatedShutdown(options.CommitOnShutdown, options.ShutdownPhase);
        });
    }

    /// <summary>
    /// Puts the hosted kernel in dependency injection: <see cref="ISwingSetKernel"/> (always resolvable; its
    /// <see cref="ISwingSetKernel.GetControllerAsync"/> waits for the kernel to start) and
    /// <see cref="SwingSetController"/> itself (resolvable once the kernel runs). A separate call because
    /// Akka.Hosting runs <c>AddAkka</c>'s builder only when the ActorSystem is built, after the services are fixed.
    /// </summary>
    public static IServiceCollection AddSwingSetController(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<ISwingSetKernel, SwingSetKernelAccessor>();
        services.TryAddTransient(sp => sp.GetRequiredService<ISwingSetKernel>().Controller);
        return services;
    }
}
