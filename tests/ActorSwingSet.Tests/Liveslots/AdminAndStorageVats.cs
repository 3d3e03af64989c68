using ActorSwingSet.Vats;
using static ActorSwingSet.Vats.Eventual;

namespace ActorSwingSet.Tests.Liveslots;

/// <summary>A parent vat that creates children through vat admin and watches their fate.</summary>
public sealed class ParentVat : IVat
{
    public object BuildRootObject(VatPowers powers, object? vatParameters, Baggage baggage) => new Parent();
}

[Far("parent")]
public sealed class Parent
{
    private readonly Dictionary<string, (Presence Root, Presence Admin)> _children = new(StringComparer.Ordinal);

    public async Task<object?> Create(Presence vatAdmin, string name, string bundle, object? vatParameters = null)
    {
        var created = Passable.To<IReadOnlyDictionary<string, object?>>(
            await E(vatAdmin).Call("createVat", bundle, Passable.Record(("vatParameters", vatParameters))));
        _children[name] = ((Presence)created["root"]!, (Presence)created["adminNode"]!);
        return created["root"];
    }

    public async Task<object?> TryCreate(Presence vatAdmin, string bundle)
    {
        try { return await E(vatAdmin).Call("createVat", bundle); }
        catch (VatRejectedException e) { return Passable.Record(("failed", e.Reason)); }
    }

    public Task<object?> Ask(string name, string method, object?[] args) => E(_children[name].Root).Call(method, args);

    public Task<object?> Upgrade(string name, string bundle) =>
        E(_children[name].Admin).Call("upgrade", bundle, Passable.Record(("upgradeMessage", "new code")));

    public Task<object?> Terminate(string name, object? reason) => E(_children[name].Admin).Call("terminateWithFailure", reason);

    /// <summary>Settles once the child is done: ["fulfilled", completion] or ["rejected", reason].</summary>
    public async Task<object?> Done(string name)
    {
        try { return new object?[] { "fulfilled", await E(_children[name].Admin).Call("done") }; }
        catch (VatRejectedException e) { return new object?[] { "rejected", e.Reason }; }
    }
}

/// <summary>A child that can exit on request.</summary>
public sealed class ExitingVat : IVat
{
    public object BuildRootObject(VatPowers powers, object? vatParameters, Baggage baggage) => new Exiter(powers, vatParameters);
}

[Far("exiter")]
public sealed class Exiter(VatPowers powers, object? parameters)
{
    public object? Parameters() => parameters;
    public void Quit(object? completion) => powers.Exit(completion);
    public void Crash(string why) => powers.ExitWithFailure(why);
}

/// <summary>Baggage, kinds and misbehaviour, for the storage and determinism tests.</summary>
public sealed class StorageVat : IVat
{
    public object BuildRootObject(VatPowers powers, object? vatParameters, Baggage baggage)
    {
        var things = powers.DefineDurableKind("thing", s => new Holder(s));
        var scratch = powers.DefineKind("scratch", s => new Holder(s));
        if (!baggage.Has("count")) baggage.Init("count", 0L);
        return new StorageRoot(baggage, things, scratch);
    }
}

[Far("storage")]
public sealed class StorageRoot(Baggage baggage, Kind<Holder> things, Kind<Holder> scratch)
{
    public long Bump() { var n = baggage.Get<long>("count") + 1; baggage.Set("count", n); return n; }
    public void Put(string key, object? value) => baggage.Set(key, value);
    public object? Take(string key) => baggage.Get(key);
    public void InitTwice(string key) { baggage.Init(key, 1L); baggage.Init(key, 2L); }
    public void StoreEphemeral() => baggage.Set("bad", new Ephemeral(null));
    public void StoreVirtual() => baggage.Set("bad", scratch.Make(("name", "v"), ("imp", null), ("value", null)));
    public void StorePromise() => baggage.Set("bad", Task.FromResult<object?>(1L));
    public Holder MakeThing(string name, object? value) => things.Make(("name", name), ("imp", null), ("value", value));
    public Holder MakeScratch(object? value) => scratch.Make(("name", "s"), ("imp", null), ("value", value));
    public void MakeGarbage(long n) { for (var i = 0; i < n; i++) scratch.Make(("name", "g"), ("imp", null), ("value", null)); }
    public IReadOnlyList<string> Keys() => [.. baggage.Keys];
    /// <summary>What <see cref="AwaitAnotherThread"/> waits for; the test completes it from its own thread.</summary>
    public static TaskCompletionSource AnotherThread { get; set; } = new();
    /// <summary>Completed by the vat from a turn its delivery drains, while <see cref="Resume"/> holds that turn.</summary>
    public static TaskCompletionSource InTurn { get; set; } = new();
    /// <summary>The gate the test opens to let a held turn (and so the delivery) finish.</summary>
    public static SemaphoreSlim Resume { get; set; } = new(0);

    /// <summary>
    /// Awaits <see cref="AnotherThread"/>; with <paramref name="holdTurn"/>, then holds a later turn of the same
    /// delivery (the queue is being drained) until the test, having completed that task, opens <see cref="Resume"/>.
    /// </summary>
    public async Task<string> AwaitAnotherThread(bool holdTurn)
    {
        var late = Late();
        if (holdTurn)
        {
            await Task.Yield();
            InTurn.SetResult();
            Resume.Wait();
        }
        return await late;

        static async Task<string> Late() { await AnotherThread.Task; return "late"; }
    }

    /// <summary>Writes to baggage from another thread while the delivery waits for it; returns what that thread got.</summary>
    public string SetFromAnotherThread()
    {
        var got = "set";
        var thread = new Thread(() =>
        {
            try { baggage.Set("stray", 1L); }
            catch (InvalidOperationException e) { got = e.Message; }
        });
        thread.Start();
        thread.Join();
        return got;
    }
    public long Spin(long n) { long x = 0; for (var i = 0; i < n; i++) x += i; return x; }
}
