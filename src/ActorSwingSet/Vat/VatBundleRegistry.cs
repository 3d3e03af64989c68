using System.Collections.Concurrent;

namespace ActorSwingSet.Vat;

/// <summary>
/// Named vat code: what SwingSet calls a bundle. A vat is created from a bundle name and upgraded by naming another
/// (or the same) bundle; each incarnation gets a fresh instance from the factory.
/// </summary>
public sealed class VatBundleRegistry
{
    private readonly ConcurrentDictionary<string, Func<IRawVat>> _factories = new(StringComparer.Ordinal);

    public VatBundleRegistry Register(string name, Func<IRawVat> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        _factories[name] = factory;
        return this;
    }

    public bool Contains(string name) => _factories.ContainsKey(name);

    public IRawVat Create(string name) =>
        _factories.TryGetValue(name, out var f) ? f() : throw new KeyNotFoundException($"no vat bundle named '{name}'");
}
