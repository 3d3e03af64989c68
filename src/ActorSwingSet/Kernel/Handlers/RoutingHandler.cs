using ActorSwingSet.Kernel.Crank;
using ActorSwingSet.Kernel.State;

namespace ActorSwingSet.Kernel.Handlers;

/// <summary>Where a send goes: to a vat, splat against an error, or onto an unresolved promise's queue.</summary>
internal abstract record SendRoute;

/// <summary>Deliver to <paramref name="VatId"/>, addressed to <paramref name="Target"/>.</summary>
internal sealed record ToVat(string VatId, Kref Target) : SendRoute;

/// <summary>The send fails: its result promise is rejected with <paramref name="Error"/>.</summary>
internal sealed record Splat(KCapData Error) : SendRoute;

/// <summary>The send waits on the queue of <paramref name="Promise"/>.</summary>
internal sealed record Requeue(Kref Promise) : SendRoute;

/// <summary>
/// The routing crank (SwingSet's acceptance processing): an event from the acceptance queue is moved to the
/// run-queue, a send with its target resolved as far as the kernel can see, or it settles at once (splat, or onto a
/// promise's queue). Routing never asks a vat.
/// </summary>
internal sealed class RoutingHandler(ICrankContext context) : ICrankHandler
{
    /// <summary>The error a send to a dead vat's object or promise meets.</summary>
    internal static readonly KCapData VatTerminatedError = KCapData.Of(SmallCaps.Error("vat terminated"));

    public ValueTask<CrankResult> HandleAsync(KernelEvent ev)
    {
        var K = context.Keeper;
        if (ev is not SendEvent s)
        {
            K.RunQueue.Enqueue(ev);
            return ValueTask.FromResult(CrankResult.Commit);
        }
        switch (RouteSend(s))
        {
            case Splat splat:
                if (s.Msg.Result is { } r) K.ResolveByKernel(r, true, splat.Error);
                K.ReleaseEvent(s);
                break;
            case ToVat to:
                if (to.Target != s.Target)
                {
                    K.Decref(s.Target);
                    K.Incref(to.Target);
                }
                K.RunQueue.Enqueue(to.Target == s.Target ? s : s with { Target = to.Target });
                break;
            case Requeue q:
                K.AddMessageToPromiseQueue(q.Promise, s.Msg);
                break;
        }
        return ValueTask.FromResult(CrankResult.Commit);
    }

    /// <summary>Where <paramref name="s"/> goes now, from its target's state.</summary>
    public SendRoute RouteSend(SendEvent s)
    {
        var K = context.Keeper;
        if (s.Target.IsObject) return ToObject(s.Target);
        if (!s.Target.IsPromise) throw new KernelPanicException($"cannot send to {s.Target}");
        var p = K.GetPromise(s.Target);
        switch (p.State)
        {
            case PromiseState.Fulfilled:
                if (SingleSlot(p.Data!) is { IsObject: true } obj) return ToObject(obj);
                return new Splat(KCapData.Of(SmallCaps.Error($"data is not callable, has no method {MethodName(s.Msg.Methargs)}")));
            case PromiseState.Rejected:
                return new Splat(p.Data!);
            default:
                if (p.Decider is null) return new Requeue(s.Target);
                var decider = K.Vat(p.Decider);
                if (decider is null || !decider.Alive) return new Splat(VatTerminatedError);
                return decider.EnablePipelining ? new ToVat(p.Decider, s.Target) : new Requeue(s.Target);
        }

        SendRoute ToObject(Kref ko) =>
            K.LiveOwnerOf(ko) is { } owner ? new ToVat(owner, ko) : new Splat(VatTerminatedError);
    }

    private static Kref? SingleSlot(KCapData data)
    {
        if (data.Slots.Length == 0) return null;
        try
        {
            return SmallCaps.Decode(data.Body, data.Slots.Length) is SlotRef r ? data.Slots[r.Index] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string MethodName(KCapData methargs)
    {
        try
        {
            return SmallCaps.Decode(methargs.Body, methargs.Slots.Length) is List<object?> { Count: > 0 } l ? l[0]?.ToString() ?? "undefined" : "undefined";
        }
        catch (FormatException)
        {
            return "undefined";
        }
    }
}
