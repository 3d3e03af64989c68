using Akka.Actor;
using Akka.Hosting;

namespace ActorSwingSet.Hosting;

/// <summary>
/// The hosted kernel, from dependency injection (<see cref="SwingSetHostingExtensions.AddSwingSetController"/>).
/// The kernel starts with the ActorSystem, in Akka.Hosting's hosted service: code that may run before that awaits
/// <see cref="GetControllerAsync"/>.
/// </summary>
public interface ISwingSetKernel
{
    /// <summary>The running kernel's controller; throws <see cref="InvalidOperationException"/> before it has started.</summary>
    SwingSetController Controller { get; }

    /// <summary>The kernel's controller, once the ActorSystem has started it.</summary>
    Task<SwingSetController> GetControllerAsync(CancellationToken cancellationToken = default);
}

/// <summary>Finds the kernel the ActorRegistry holds under <see cref="KernelActor"/>, and its controller.</summary>
internal sealed class SwingSetKernelAccessor(ActorSystem system, ActorRegistry registry) : ISwingSetKernel
{
    public SwingSetController Controller =>
        registry.TryGet<KernelActor>(out var kernel) ? Find(kernel)
            : throw new InvalidOperationException("the SwingSet kernel has not started: it starts with the ActorSystem (Akka.Hosting's hosted service), " +
                "if the Akka builder calls WithActorSwingSet; code that runs earlier awaits ISwingSetKernel.GetControllerAsync()");

    public async Task<SwingSetController> GetControllerAsync(CancellationToken cancellationToken = default) =>
        Find(await registry.GetAsync<KernelActor>(cancellationToken).ConfigureAwait(false));

    private SwingSetController Find(IActorRef kernel) =>
        SwingSetKernels.Get(system).TryGet(kernel.Path.Name, out var controller) ? controller
            : throw new InvalidOperationException($"the SwingSet kernel {kernel.Path} has stopped");
}
