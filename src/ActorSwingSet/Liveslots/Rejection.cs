using ActorSwingSet.Vats;

namespace ActorSwingSet.Liveslots;

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
