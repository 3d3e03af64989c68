using ActorSwingSet.Vat;

namespace ActorSwingSet.Liveslots;

/// <summary>
/// A vat written as ordinary C# (what SwingSet users write with liveslots). Each incarnation gets a fresh
/// instance; <see cref="BuildRootObject"/> runs in the incarnation's <c>startVat</c> and returns the root object:
/// a <see cref="FarAttribute">[Far]</see> object whose public methods other vats can call. Durable state lives in
/// the <see cref="Baggage"/> and in durable kinds; everything else is gone after an upgrade.
/// </summary>
public interface IVat
{
    /// <summary>
    /// Builds the root object. <paramref name="vatParameters"/> is the decoded vatParameters (a record, or null when
    /// none were given). May return a <see cref="Task{TResult}"/> of the root. Throwing fails the start: a new vat is
    /// not created, an upgrade is rolled back and the old incarnation keeps running.
    /// </summary>
    object BuildRootObject(VatPowers powers, object? vatParameters, Baggage baggage);
}

/// <summary>Registers C# vats (<see cref="IVat"/>) as bundles.</summary>
public static class VatBundleRegistryExtensions
{
    /// <summary>Registers <typeparamref name="TVat"/> under <paramref name="name"/>; each incarnation gets a new instance.</summary>
    public static VatBundleRegistry RegisterVat<TVat>(this VatBundleRegistry registry, string name) where TVat : IVat, new() =>
        registry.RegisterVat(name, () => new TVat());

    /// <summary>Registers a vat factory under <paramref name="name"/>; it is called once per incarnation.</summary>
    public static VatBundleRegistry RegisterVat(this VatBundleRegistry registry, string name, Func<IVat> factory)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(factory);
        return registry.Register(name, () => new LiveslotsVat(factory()));
    }

    /// <summary>Registers a vat given as its <c>buildRootObject</c> function.</summary>
    public static VatBundleRegistry RegisterVat(this VatBundleRegistry registry, string name, Func<VatPowers, object?, Baggage, object> buildRootObject)
    {
        ArgumentNullException.ThrowIfNull(buildRootObject);
        return registry.RegisterVat(name, () => new FunctionVat(buildRootObject));
    }

    private sealed class FunctionVat(Func<VatPowers, object?, Baggage, object> build) : IVat
    {
        public object BuildRootObject(VatPowers powers, object? vatParameters, Baggage baggage) => build(powers, vatParameters, baggage);
    }
}
