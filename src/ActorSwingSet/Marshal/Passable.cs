namespace ActorSwingSet;

/// <summary>An error as it crosses the boundary: a name (<c>Error</c>, <c>TypeError</c>...) and a message.</summary>
/// <param name="Name">The JavaScript error name: <c>Error</c>, <c>TypeError</c>, <c>RangeError</c>...</param>
/// <param name="Message">The error's message.</param>
public sealed record PassableError(string Name, string Message);

/// <summary>A reference to slot <paramref name="Index"/> of the capdata: a remotable or a promise.</summary>
/// <param name="Index">The slot's index in the capdata's slots.</param>
/// <param name="IsPromise">True for a promise (<c>&amp;N</c>), false for a remotable (<c>$N</c>).</param>
/// <param name="Interface">The remotable's interface name, when the body gives one (<c>$N.Alleged: name</c>).</param>
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
