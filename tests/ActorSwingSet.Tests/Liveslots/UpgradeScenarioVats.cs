using ActorSwingSet.Vats;
using static ActorSwingSet.Vats.Eventual;

namespace ActorSwingSet.Tests.Liveslots;

/// <summary>A kind instance holding a name, an import (or anything storable) and a value.</summary>
public sealed class Holder(ObjectState state)
{
    public object? Get() => state.Get("value");
    public void Set(object? value) => state.Set("value", value);
    public object? GetImport() => state.Get("imp");
    public string Name() => state.Get<string>("name");
}

/// <summary>A durable promise watcher that records what it saw.</summary>
public sealed class RecordingWatcher(ObjectState state) : IPromiseWatcher
{
    public void OnFulfilled(object? value, IReadOnlyList<object?> args) => state.Set("result", new object?[] { "fulfill", value });
    public void OnRejected(object? reason, IReadOnlyList<object?> args) => state.Set("result", new object?[] { "reject", reason });
    public object? GetResult() => state.Get("result");
}

[Far("rem")]
public sealed class Ephemeral(object? held)
{
    public object? Get() => held;
}

/// <summary>Version 1 of the upgraded vat (our counterpart of SwingSet's vat-ulrik-1).</summary>
public sealed class UlrikV1 : IVat
{
    public object BuildRootObject(VatPowers powers, object? vatParameters, Baggage baggage)
    {
        var makeDur = powers.DefineDurableKind("durandal", s => new Holder(s));
        var makeVir = powers.DefineKind("virtual", s => new Holder(s));
        var makeWatcher = powers.DefineDurableKind("watcher", s => new RecordingWatcher(s));
        var p1 = powers.MakePromiseKit();
        var p2 = powers.MakePromiseKit();
        var p3 = powers.MakePromiseKit();
        var watcher = makeWatcher.Make(("result", new object?[] { "unresolved" }));
        powers.WatchPromise(p3.Promise, watcher);
        baggage.Init("watcher", watcher);
        baggage.Init("data", new object?[] { "some", "data" });
        var durable = powers.MakeDurablePromise();
        baggage.Init("durablePromise", durable);
        var parameters = vatParameters as IReadOnlyDictionary<string, object?>;
        if (parameters?.GetValueOrDefault("handler") is Presence handler) E(handler).SendOnly("ping", "hello from v1");
        return new UlrikRoot1(vatParameters, baggage, makeDur, makeVir, p1, p2, p3, durable);
    }
}

[Far("root")]
public sealed class UlrikRoot1(object? vatParameters, Baggage baggage, Kind<Holder> makeDur, Kind<Holder> makeVir,
    PromiseKit p1, PromiseKit p2, PromiseKit p3, DurablePromise durable)
{
    private Ephemeral? _rem1;

    public string GetVersion() => "v1";
    public object? GetParameters() => vatParameters;
    public void AcceptPresence(Presence p) => baggage.Init("presence", p);
    public object? GetPresence() => baggage.Get("presence");
    public object? GetData() => baggage.Get("data");
    public object GetEternalPromiseInArray() => new object[] { p1.Promise };
    public Task GetEternalPromise() => p2.Promise;
    public object GetWatchedDecidedPromiseInArray() => new object[] { p3.Promise };
    public object GetDurablePromiseInArray() => new object[] { durable.Promise };

    /// <summary>dur1 (durable, kept), vir2 (virtual, abandoned), rem1 (ephemeral, abandoned) and collectable garbage.</summary>
    public object GetExports(Presence imp)
    {
        var dur1 = makeDur.Make(("name", "d1"), ("imp", imp), ("value", "dur1"));
        var vir2 = makeVir.Make(("name", "v2"), ("imp", imp), ("value", "vir2"));
        var dur2 = makeDur.Make(("name", "d2"), ("imp", null), ("value", null));
        vir2.Set(dur2);
        makeVir.Make(("name", "garbage"), ("imp", null), ("value", null));
        _rem1 = new Ephemeral(vir2);
        return Passable.Record(("dur1", dur1), ("vir2", vir2), ("rem1", _rem1));
    }
}

/// <summary>Version 2: re-binds the durable kinds, makes a new durable instance, settles the durable promise.</summary>
public sealed class UlrikV2 : IVat
{
    public object BuildRootObject(VatPowers powers, object? vatParameters, Baggage baggage)
    {
        var makeDur = powers.DefineDurableKind("durandal", s => new Holder(s));
        var newDur = makeDur.Make(("name", "dur-new"), ("imp", null), ("value", "new"));
        var parameters = vatParameters as IReadOnlyDictionary<string, object?>;
        if (parameters?.GetValueOrDefault("explode") is string why) throw new InvalidOperationException(why);
        if (parameters?.GetValueOrDefault("forgetKinds") is not true) powers.DefineDurableKind("watcher", s => new RecordingWatcher(s));
        return new UlrikRoot2(vatParameters, baggage, newDur);
    }
}

[Far("root")]
public sealed class UlrikRoot2(object? vatParameters, Baggage baggage, Holder newDur)
{
    public string GetVersion() => "v2";
    public object? GetParameters() => vatParameters;
    public object? GetPresence() => baggage.Get("presence");
    public object? GetData() => baggage.Get("data");
    public Holder GetNewDurandal() => newDur;
    public object? GetWatcherResult() => baggage.Get<RecordingWatcher>("watcher").GetResult();
    public void ResolveDurable(object? value) => baggage.Get<DurablePromise>("durablePromise").Resolve(value);
}

/// <summary>The driver (SwingSet's bootstrap-scripted-upgrade): creates the vat through vat admin and upgrades it.</summary>
public sealed class UpgradeDriverVat : IVat
{
    public object BuildRootObject(VatPowers powers, object? vatParameters, Baggage baggage) => new UpgradeDriver();
}

[Far("marker")]
public sealed class Marker;

[Far("bootstrap")]
public sealed class UpgradeDriver
{
    private readonly Marker _marker = new();
    private Presence? _root;
    private Presence? _admin;
    private Task<object?>? _durable;
    private object? _wrappers;

    public Marker GetMarker() => _marker;

    public async Task<object?> BuildV1(Presence vatAdmin, Presence import, bool withParameters = true)
    {
        var options = withParameters
            ? Passable.Record(("vatParameters", Passable.Record(("youAre", "v1"), ("marker", _marker))))
            : Passable.Record();
        var created = Passable.To<IReadOnlyDictionary<string, object?>>(await E(vatAdmin).Call("createVat", "ulrik-1", options));
        _root = (Presence)created["root"]!;
        _admin = (Presence)created["adminNode"]!;
        var version = await E(_root).Call("getVersion");
        var parameters = await E(_root).Call("getParameters");
        await E(_root).Call("acceptPresence", _marker);
        var data = await E(_root).Call("getData");
        var p1 = Passable.To<IReadOnlyList<object?>>(await E(_root).Call("getEternalPromiseInArray"))[0];
        var p2 = E(_root).Call("getEternalPromise");
        var p3 = Passable.To<IReadOnlyList<object?>>(await E(_root).Call("getWatchedDecidedPromiseInArray"))[0];
        _durable = (Task<object?>)Passable.To<IReadOnlyList<object?>>(await E(_root).Call("getDurablePromiseInArray"))[0]!;
        var exports = await E(_root).Call("getExports", import);
        _wrappers = Passable.Record(("p1w", Wrap((Task<object?>)p1!)), ("p2w", Wrap(p2)));
        return Passable.Record(("version", version), ("parameters", parameters), ("data", data), ("marker", _marker),
            ("p1", p1), ("p2", p2), ("p3", p3), ("retain", exports));
    }

    /// <summary>Promises that follow p1 and p2, for the host to keep (SwingSet's kpRegisterInterest).</summary>
    public object? GetWrappers() => _wrappers;

    private static async Task<object?> Wrap(Task<object?> p) => await p;

    public async Task<object?> UpgradeV2(bool withParameters = true, string? explode = null, bool forgetKinds = false)
    {
        var parameters = Passable.Record(("youAre", "v2"), ("marker", _marker));
        if (explode is not null) parameters = Passable.Record(("explode", explode));
        if (forgetKinds) parameters = Passable.Record(("forgetKinds", true));
        var options = withParameters
            ? Passable.Record(("vatParameters", parameters), ("upgradeMessage", "test upgrade"))
            : Passable.Record(("upgradeMessage", "test upgrade"));
        var upgradeResult = await E(_admin!).Call("upgrade", "ulrik-2", options);
        return Passable.Record(("upgradeResult", upgradeResult), ("version", await E(_root!).Call("getVersion")),
            ("parameters", await E(_root!).Call("getParameters")), ("data", await E(_root!).Call("getData")),
            ("marker", await E(_root!).Call("getPresence")), ("newDur", await E(_root!).Call("getNewDurandal")),
            ("watcherResult", await E(_root!).Call("getWatcherResult")));
    }

    public async Task<object?> TryUpgrade(string? explode, bool forgetKinds)
    {
        try
        {
            return await UpgradeV2(true, explode, forgetKinds);
        }
        catch (VatRejectedException e)
        {
            return Passable.Record(("failed", e.Reason), ("version", await E(_root!).Call("getVersion")));
        }
    }

    public Task<object?> GetVersion() => E(_root!).Call("getVersion");

    public Task<object?> ResolveDurableInV2(object? value) => E(_root!).Call("resolveDurable", value);

    public Task<object?> AwaitDurable() => _durable!;
}
