using ActorSwingSet.Vats;
using static ActorSwingSet.Vats.Eventual;

namespace ActorSwingSet.Tests.Transcripts;

/// <summary>A counter that keeps its waiters in memory only: an ephemeral promise kit per <c>waitForTick</c>.</summary>
public sealed class TickCounterVat : IVat
{
    public object BuildRootObject(VatPowers powers, object? vatParameters, Baggage baggage) => new TickCounter(powers);
}

[Far("TickCounter")]
public sealed class TickCounter(VatPowers powers)
{
    private readonly List<PromiseKit> _waiting = [];
    private long _ticks;

    public Task<object?> WaitForTick()
    {
        var kit = powers.MakePromiseKit();
        _waiting.Add(kit);
        return kit.Promise;
    }

    public long Tick()
    {
        _ticks++;
        foreach (var kit in _waiting) kit.Resolve(_ticks);
        _waiting.Clear();
        return _ticks;
    }
}

/// <summary>The next incarnation of the counter: it starts over, with no waiters.</summary>
public sealed class TickCounterV2Vat : IVat
{
    public object BuildRootObject(VatPowers powers, object? vatParameters, Baggage baggage) => new TickCounter(powers);
}

/// <summary>A client whose only memory of what it awaits is the <c>await</c> itself.</summary>
public sealed class TickClientVat : IVat
{
    public object BuildRootObject(VatPowers powers, object? vatParameters, Baggage baggage) => new TickClient();
}

[Far("TickClient")]
public sealed class TickClient
{
    private long _settled;

    public async Task<string> Watch(Presence counter)
    {
        try
        {
            var tick = await E(counter).Call<long>("waitForTick");
            _settled++;
            return $"tick {tick}";
        }
        catch (VatRejectedException e)
        {
            _settled++;
            return "the counter went away: " + (e.Reason is IReadOnlyDictionary<string, object?> r ? r["name"] : e.Reason);
        }
    }

    /// <summary>How many watches this worker has seen settle: memory only, so it shows whether replay rebuilt the worker.</summary>
    public long Settled() => _settled;
}

/// <summary>A vat whose whole state is in memory: it counts its calls.</summary>
public sealed class MemoryCounterVat : IVat
{
    public object BuildRootObject(VatPowers powers, object? vatParameters, Baggage baggage) => new MemoryCounter();
}

[Far("MemoryCounter")]
public sealed class MemoryCounter
{
    private long _count;

    public long Bump() => ++_count;

    public MemoryCounter Fresh() => new();
}

/// <summary>
/// A raw vat that breaks the rule: it answers from a counter shared by every worker ever built in the process, so
/// a worker rebuilt by replay makes different syscalls than the one that made the transcript.
/// </summary>
public sealed class ForgetfulRawVat : IRawVat
{
    private static long _made;
    private readonly long _me = Interlocked.Increment(ref _made);

    public void Deliver(VatDelivery delivery, IVatSyscalls syscalls)
    {
        if (delivery is MessageDelivery { Result: { } result })
            syscalls.Resolve(result, false, VCapData.Of(SmallCaps.Encode(_me)));
    }
}
