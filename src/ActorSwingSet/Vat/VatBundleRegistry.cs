using System.Collections.Concurrent;
using ActorSwingSet.Vats;

namespace ActorSwingSet;

/// <summary>
/// Named vat code: what SwingSet calls a bundle. A vat is created from a bundle name and upgraded by naming another
/// (or the same) bundle; each incarnation gets a fresh instance from the factory.
/// </summary>
public sealed class VatBundleRegistry
{
    private readonly ConcurrentDictionary<string, Func<IRawVat>> _factories = new(StringComparer.Ordinal);

    /// <summary>Registers (or replaces) the bundle <paramref name="name"/>; returns this registry, for chaining.</summary>
    public VatBundleRegistry Register(string name, Func<IRawVat> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        _factories[name] = factory;
        return this;
    }

    /// <summary>True when a bundle of that name is registered.</summary>
    public bool Contains(string name) => _factories.ContainsKey(name);

    /// <summary>A fresh vat instance from the bundle; throws <see cref="KeyNotFoundException"/> for an unknown name.</summary>
    public IRawVat Create(string name) =>
        _factories.TryGetValue(name, out var f) ? f() : throw new KeyNotFoundException($"no vat bundle named '{name}'");
}
