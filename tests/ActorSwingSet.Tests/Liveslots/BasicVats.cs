using ActorSwingSet.Vats;
using static ActorSwingSet.Vats.Eventual;

namespace ActorSwingSet.Tests.Liveslots;

[Far("Counter")]
public sealed class CounterObject
{
    private long _count;

    public long Increment(long by = 1) => _count += by;

    public long Count() => _count;

    public long Fail(string why) => throw new InvalidOperationException(why);

    public Task<long> Later(long value) => Task.FromResult(value * 10);

    public object? Echo(object? value) => value;

    public CounterObject Fresh() => new();

    public object NotPassable() => new System.Text.StringBuilder("x");
}

public sealed class CounterVatCode : IVat
{
    public object BuildRootObject(VatPowers powers, object? vatParameters, Baggage baggage) => new CounterObject();
}

[Far("Caller")]
public sealed class CallerObject(VatPowers powers)
{
    private Presence? _held;

    public async Task<long> CallTwice(Presence counter)
    {
        await E(counter).Call("increment", 1L);
        return await E(counter).Call<long>("increment", 2L);
    }

    public async Task<string> CatchFailure(Presence counter)
    {
        try
        {
            await E(counter).Call("fail", "boom");
            return "no failure";
        }
        catch (VatRejectedException e) when (e.Reason is PassableError err)
        {
            return err.Name + ": " + err.Message;
        }
    }

    /// <summary>Pipelining: send to the result promise of a send before it settles.</summary>
    public async Task<long> Pipeline(Presence counter)
    {
        var fresh = E(counter).Call("fresh");
        await E(fresh).Call("increment", 5L);
        return await E(fresh).Call<long>("count");
    }

    /// <summary>Passes a promise this vat decides, resolving it afterwards.</summary>
    public async Task<object?> PassPromise(Presence counter)
    {
        var kit = powers.MakePromiseKit();
        var echoed = E(counter).Call("echo", Passable.Record(("p", kit.Promise)));
        kit.Resolve("resolved later");
        var record = (IReadOnlyDictionary<string, object?>)(await echoed)!;
        return await (Task<object?>)record["p"]!;
    }

    /// <summary>Passes out its own Task&lt;long&gt; and gets it back (as the same promise) from the other vat.</summary>
    public async Task<long> RoundTripTypedPromise(Presence counter)
    {
        var kit = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var echoed = E(counter).Call("echo", (object)new object?[] { kit.Task });
        kit.SetResult(42);
        var back = (IReadOnlyList<object?>)(await echoed)!;
        return Passable.To<long>(await (Task<object?>)back[0]!);
    }

    public void Hold(Presence p) => _held = p;

    public Presence? Held() => _held;

    public void Drop() => _held = null;

    public async Task<long> LocalSend()
    {
        var local = new CounterObject();
        await E(local).Call("increment", 4L);
        return await E(local).Call<long>("count");
    }
}

public sealed class CallerVatCode : IVat
{
    public object BuildRootObject(VatPowers powers, object? vatParameters, Baggage baggage) => new CallerObject(powers);
}
