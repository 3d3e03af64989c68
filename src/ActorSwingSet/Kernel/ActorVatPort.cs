using Akka.Actor;
using ActorSwingSet.References;
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

    public Task<object> RequestAsync(string vatId, VatRequest request) =>
        _vats.TryGetValue(vatId, out var actor)
            ? actor.Ask<object>(request, timeout)
            : throw new KernelPanicException($"no actor for vat {vatId}");

    public void Tell(string vatId, VatRequest request)
    {
        if (_vats.TryGetValue(vatId, out var actor)) actor.Tell(request);
    }
}
