using ActorSwingSet.Liveslots;
using ActorSwingSet.Vats;

namespace ActorSwingSet;

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
