using ActorSwingSet.Liveslots;

namespace ActorSwingSet.Vats;

/// <summary>
/// The vat's durable key-value store, kept in its vatstore and handed to every incarnation. Values must be
/// durable: data, instances of durable kinds, presences (imports) and durable promises. Ephemeral objects, virtual
/// objects and ordinary promises are refused with <see cref="NotPassableException"/>.
/// </summary>
public sealed class Baggage
{
    private const string Prefix = "baggage.";
    private readonly VatStore _store;
    private readonly Marshaller _marshaller;

    internal Baggage(VatStore store, Marshaller marshaller)
    {
        _store = store;
        _marshaller = marshaller;
    }

    /// <summary>Whether <paramref name="key"/> has a value.</summary>
    public bool Has(string key) => _store.Get(Prefix + Check(key)) is not null;

    /// <summary>The value under <paramref name="key"/>; throws <see cref="KeyNotFoundException"/> when there is none.</summary>
    public object? Get(string key) =>
        _store.Get(Prefix + Check(key)) is { } raw ? _marshaller.ReadStored(raw) : throw new KeyNotFoundException($"baggage has no key '{key}'");

    /// <summary>The value under <paramref name="key"/>, converted to <typeparamref name="T"/>.</summary>
    public T Get<T>(string key) => Passable.To<T>(Get(key));

    /// <summary>The value under <paramref name="key"/>, or <paramref name="fallback"/> when there is none.</summary>
    public T GetOrDefault<T>(string key, T fallback) => Has(key) ? Get<T>(key) : fallback;

    /// <summary>Adds a new key; throws <see cref="ArgumentException"/> when it already exists (SwingSet's <c>init</c>).</summary>
    public void Init(string key, object? value)
    {
        if (Has(key)) throw new ArgumentException($"baggage already has key '{key}'");
        Set(key, value);
    }

    /// <summary>Adds or replaces the value under <paramref name="key"/>.</summary>
    public void Set(string key, object? value)
    {
        var full = Prefix + Check(key);
        _marshaller.WriteStored(full, value, durable: true);
    }

    /// <summary>Removes <paramref name="key"/>; returns whether it was there.</summary>
    public bool Delete(string key)
    {
        var full = Prefix + Check(key);
        if (_store.Get(full) is null) return false;
        _marshaller.DeleteStored(full);
        return true;
    }

    /// <summary>The keys, in ordinal order.</summary>
    public IEnumerable<string> Keys => _store.KeysWithPrefix(Prefix).Select(k => k[Prefix.Length..]);

    private static string Check(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return key;
    }
}
