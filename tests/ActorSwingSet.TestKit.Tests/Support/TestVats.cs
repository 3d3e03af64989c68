using ActorSwingSet.Vats;
using static ActorSwingSet.Vats.Eventual;

namespace ActorSwingSet.TestKit.Tests.Support;

/// <summary>A vat whose <c>wait()</c> returns a promise it never settles: the promise stays decided by this vat.</summary>
public sealed class WaiterVat : IVat
{
    public object BuildRootObject(VatPowers powers, object? vatParameters, Baggage baggage) => new Waiter(powers);
}

[Far("Waiter")]
public sealed class Waiter(VatPowers powers)
{
    public Task<object?> Wait() => powers.MakePromiseKit().Promise;
}

/// <summary>A vat that plays ping-pong with another for ever: <c>ping(other)</c> sends <c>other.ping(this)</c>.</summary>
public sealed class PingPongVat : IVat
{
    public object BuildRootObject(VatPowers powers, object? vatParameters, Baggage baggage) => new Player();
}

[Far("Player")]
public sealed class Player
{
    public void Ping(Presence other) => E(other).SendOnly("ping", this);
}

/// <summary>A root object that hands back the vatParameters its incarnation was started with.</summary>
[Far("Holder")]
public sealed class Holder(object? vatParameters)
{
    public object? Get() => vatParameters;
}

/// <summary>A raw vat: answers any message with its first argument.</summary>
public sealed class EchoRawVat : IRawVat
{
    public void Deliver(VatDelivery delivery, IVatSyscalls syscalls)
    {
        if (delivery is not MessageDelivery { Result: { } result } message) return;
        var call = (List<object?>)SmallCaps.Decode(message.Methargs.Body, message.Methargs.Slots.Length)!;
        syscalls.Resolve(result, false, VCapData.Of(SmallCaps.Encode(((List<object?>)call[1]!)[0])));
    }
}
