using ActorSwingSet.Liveslots;

namespace ActorSwingSet.Vats;

/// <summary>
/// Eventual send, SwingSet's <c>E(x).method(args)</c>: <c>using static ActorSwingSet.Vats.Eventual;</c> then
/// <c>await E(counter).Call("increment", 1)</c>. The target is a <see cref="Presence"/>, a promise
/// (<see cref="Task"/>: the message is pipelined to whatever it settles to) or one of the vat's own objects (the
/// call runs in a later turn). Only usable from vat code while the vat runs: the sender is the running delivery's,
/// found through its turn context (<see cref="VatTurnContext.Running"/>).
/// </summary>
public static class Eventual
{
    /// <summary>Wraps <paramref name="target"/> for an eventual send.</summary>
    public static EventualReceiver E(object target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new EventualReceiver(target);
    }
}

/// <summary>The target of an eventual send (see <see cref="Eventual.E"/>).</summary>
public readonly struct EventualReceiver
{
    private readonly object _target;

    internal EventualReceiver(object target) => _target = target;

    /// <summary>Sends <c>method(args)</c>; the task settles with the result, or fails with <see cref="VatRejectedException"/>.</summary>
    public Task<object?> Call(string method, params object?[] args) =>
        VatTurnContext.Running.Sender.Send(_target, method, args, wantResult: true)!;

    /// <summary>Like <see cref="Call"/>, converting the result to <typeparamref name="T"/>.</summary>
    public async Task<T> Call<T>(string method, params object?[] args) =>
        Passable.To<T>(await Call(method, args));

    /// <summary>Sends <c>method(args)</c> without asking for a result (SwingSet's <c>E.sendOnly</c>).</summary>
    public void SendOnly(string method, params object?[] args) =>
        VatTurnContext.Running.Sender.Send(_target, method, args, wantResult: false);
}
