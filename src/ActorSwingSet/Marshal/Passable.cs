namespace ActorSwingSet;

/// <summary>An error as it crosses the boundary: a name (<c>Error</c>, <c>TypeError</c>...) and a message.</summary>
public sealed record PassableError(string Name, string Message);

/// <summary>A reference to slot <paramref name="Index"/> of the capdata: a remotable or a promise.</summary>
public sealed record SlotRef(int Index, bool IsPromise, string? Interface = null);

/// <summary>The JavaScript <c>undefined</c> value.</summary>
public sealed class Undefined
{
    /// <summary>The one instance.</summary>
    public static readonly Undefined Value = new();
    private Undefined() { }
    /// <summary>Returns <c>undefined</c>.</summary>
    public override string ToString() => "undefined";
}
