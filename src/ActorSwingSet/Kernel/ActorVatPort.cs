using Akka.Actor;
using ActorSwingSet.Vat;
using ActorSwingSet.Vat.Messages;

namespace ActorSwingSet.Kernel;

/// <summary>Reaches vats as child actors of the kernel actor: one message out, one back, per request.</summary>
internal sealed class ActorVatPort(IActorContext context, VatBundleRegistry bundles, TimeSpan timeout) : IVatPort
{
    private readonly Dictionary<string, IActorRef> _vats = new(StringComparer.Ordinal);

    public void CreateVat(string vatId, string bundleName, Kref root, bool enablePipelining) =>
        _vats[vatId] = context.ActorOf(VatActor.Props(new VatHost(vatId, bundleName, root, enablePipelining, bundles)), vatId);

    public void RestoreVat(string vatId, string bundleName, bool enablePipelining, IReadOnlyDictionary<string, string> state) =>
        _vats[vatId] = context.ActorOf(VatActor.Props(new VatHost(Vat.State.VatKeeper.Load(vatId, state), bundleName, enablePipelining, bundles)), vatId);

    public void DestroyVat(string vatId)
    {
        if (_vats.Remove(vatId, out var actor)) context.Stop(actor);
    }

    public Task<TReply> RequestAsync<TReply>(string vatId, VatRequest<TReply> request) where TReply : class =>
        _vats.TryGetValue(vatId, out var actor)
            ? ReplyOf(vatId, request, actor.Ask<object>(request, timeout))
            : throw new KernelPanicException($"no actor for vat {vatId}");

    /// <summary>
    /// The vat actor answers with what <see cref="VatHost"/> returns for the request, which is a
    /// <typeparamref name="TReply"/> by construction; but a message crossing the actor boundary is untyped, so
    /// anything else (a <see cref="Status.Failure"/>, say) is checked for here, once, and is a kernel panic.
    /// </summary>
    private static async Task<TReply> ReplyOf<TReply>(string vatId, VatRequest<TReply> request, Task<object> ask) where TReply : class =>
        await ask.ConfigureAwait(false) is TReply reply
            ? reply
            : throw new KernelPanicException($"{vatId} answered {request.GetType().Name} with something other than a {typeof(TReply).Name}");

    public void Tell(string vatId, VatCommand command)
    {
        if (_vats.TryGetValue(vatId, out var actor)) actor.Tell(command);
    }
}
