using Akka.Actor;
using ActorSwingSet.References;
using ActorSwingSet.Vat.Messages;

namespace ActorSwingSet.Vat;

/// <summary>
/// One actor per vat: it owns the vat's c-list, vatstore, incarnation and running code (through
/// <see cref="VatHost"/>) and answers the kernel actor's requests one at a time, so a vat's deliveries never overlap.
/// </summary>
public sealed class VatActor : ReceiveActor
{
    private readonly VatHost _host;

    public VatActor(string vatId, string bundleName, Kref root, bool enablePipelining, VatBundleRegistry bundles)
    {
        _host = new VatHost(vatId, bundleName, root, enablePipelining, bundles);
        Receive<AbortCrank>(a => _host.Handle(a));
        Receive<AbortIncarnation>(a => _host.Handle(a));
        Receive<VatRequest>(r => Sender.Tell(_host.Handle(r)));
    }

    internal VatActor(VatHost host)
    {
        _host = host;
        Receive<AbortCrank>(a => _host.Handle(a));
        Receive<AbortIncarnation>(a => _host.Handle(a));
        Receive<VatRequest>(r => Sender.Tell(_host.Handle(r)));
    }

    internal static Props Restored(VatHost host) => Akka.Actor.Props.Create(() => new VatActor(host));

    internal static Props Props(string vatId, string bundleName, Kref root, bool enablePipelining, VatBundleRegistry bundles) =>
        Akka.Actor.Props.Create(() => new VatActor(vatId, bundleName, root, enablePipelining, bundles));
}
