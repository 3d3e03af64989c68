using ActorSwingSet.Vats;
using static ActorSwingSet.Vats.Eventual;
namespace ActorSwingSet.Tests.Liveslots;

/// <summary>A watcher that throws when its promise is fulfilled and records a rejection.</summary>
public sealed class ThrowingWatcher(ObjectState s) : IPromiseWatcher
{
    public void OnFulfilled(object? value, IReadOnlyList<object?> args) => throw new InvalidOperationException("watcher bug");
    public void OnRejected(object? reason, IReadOnlyList<object?> args) => s.Set("seen", "rejected");
}

public sealed class PromiseEdgeVat : IVat
{
    public object BuildRootObject(VatPowers powers, object? vatParameters, Baggage baggage) =>
        new PromiseEdgeRoot(powers, baggage, powers.DefineDurableKind("dw", s => new ThrowingWatcher(s)), powers.DefineKind("vw", s => new ThrowingWatcher(s)));
}

[Far("edges")]
public sealed class PromiseEdgeRoot(VatPowers powers, Baggage baggage, Kind<ThrowingWatcher> durableWatchers, Kind<ThrowingWatcher> virtualWatchers)
{
    public string Ping() => "pong";

    public void ThrowingWatcher()
    {
        var kit = powers.MakePromiseKit();
        powers.WatchPromise(kit.Promise, durableWatchers.Make(("x", 1L)));
        kit.Resolve(1L);
    }

    public void VirtualWatcher() => powers.WatchPromise(powers.MakePromiseKit().Promise, virtualWatchers.Make(("x", 1L)));

    public void MakeDurable() => baggage.Init("dp", powers.MakeDurablePromise());
    public void SettleDurable() => baggage.Get<DurablePromise>("dp").Resolve("v");
    public object? PassDurable() => Passable.Record(("p", baggage.Get<DurablePromise>("dp")));

    public void ResolveDurableTwice()
    {
        var dp = powers.MakeDurablePromise();
        baggage.Set("dp2", dp);
        dp.Resolve(powers.MakePromiseKit().Promise);   // follows a promise that never settles
        dp.Resolve("second");
    }

    public void Forge(Presence vatAdmin, string vatId) => E(vatAdmin).SendOnly("vatTerminated", vatId, false, "forged");

    public object? Lazy() => Enumerable.Range(0, 3).Select<int, object?>(i => i < 2 ? (long)i : throw new InvalidOperationException("lazy failure"));
}
