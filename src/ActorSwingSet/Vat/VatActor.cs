using Akka.Actor;
using ActorSwingSet.Vat.Messages;

namespace ActorSwingSet.Vat;

/// <summary>
/// One actor per vat: it owns the vat's c-list, vatstore, incarnation and running code (through
/// <see cref="VatHost"/>) and answers the kernel actor's requests one at a time, so a vat's deliveries never overlap.
/// </summary>
internal sealed class VatActor : ReceiveActor
{
    private readonly VatHost _host;

    internal VatActor(VatHost host)
    {
        _host = host;
        Receive<VatCommand>(c => _host.Handle(c));
        Receive<VatRequest>(r => Sender.Tell(_host.Handle(r)));
    }

    /// <summary>Props for the actor of <paramref name="host"/> (a new vat, or one restored from storage).</summary>
    internal static Props Props(VatHost host) => Akka.Actor.Props.CreateBy(new Producer(host));

    private sealed class Producer(VatHost host) : IIndirectActorProducer
    {
        public Type ActorType => typeof(VatActor);
        public ActorBase Produce() => new VatActor(host);
        public void Release(ActorBase actor) { }
    }
}
