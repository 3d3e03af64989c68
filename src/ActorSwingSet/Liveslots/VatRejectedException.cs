using ActorSwingSet.Marshal;

namespace ActorSwingSet.Liveslots;

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

/// <summary>How a thrown exception crosses to other vats as a rejection.</summary>
internal static class Rejection
{
    /// <summary>What a thrown exception rejects a promise with.</summary>
    public static object? Reason(Exception e) => e switch
    {
        VatRejectedException r => r.Reason,
        _ => new PassableError(ErrorName(e), e.Message),
    };

    /// <summary>The JavaScript error name an exception crosses as.</summary>
    public static string ErrorName(Exception e) => e switch
    {
        ArgumentOutOfRangeException or OverflowException or IndexOutOfRangeException => "RangeError",
        ArgumentException or InvalidCastException or NullReferenceException or NotSupportedException => "TypeError",
        _ => "Error",
    };
}
