namespace ActorSwingSet.Vats;

/// <summary>
/// A promise was rejected. Awaiting a rejected promise throws this with the rejection's <see cref="Reason"/> (a
/// <see cref="PassableError"/> for errors, or any passable value, such as the upgrade disconnection record). Throw it
/// from a method to reject with exactly that reason; any other exception rejects with an error carrying its message.
/// </summary>
public sealed class VatRejectedException(object? reason)
    : Exception(reason is PassableError e ? $"{e.Name}: {e.Message}" : $"rejected: {Passable.Format(reason)}")
{
    /// <summary>The rejection's reason, decoded.</summary>
    public object? Reason { get; } = reason;
}

/// <summary>A value cannot be passed (marshalled): it is not data, a remotable, a presence or a promise.</summary>
public sealed class NotPassableException(string message) : ArgumentException(message);
