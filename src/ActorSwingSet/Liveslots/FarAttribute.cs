namespace ActorSwingSet.Vats;

/// <summary>
/// Marks a class as remotable (SwingSet's <c>Far</c>): its instances pass by reference, and other vats call their
/// public methods with eventual sends. A method named <c>getCount</c> in a message reaches <c>getCount</c> or, failing
/// that, <c>GetCount</c>. Instances of a kind (<see cref="VatPowers.DefineKind{T}"/>) are remotable without it.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class FarAttribute(string? name = null) : Attribute
{
    /// <summary>The interface name other vats see (<c>Alleged: name</c>); the class name when not given.</summary>
    public string? Name { get; } = name;
}
