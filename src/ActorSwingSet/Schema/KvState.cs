using ActorSwingSet.References;

namespace ActorSwingSet.Schema;

/// <summary>
/// State in kvStore form held in memory, with an index from each entity (a kref or a vat ID, the part of a key
/// before its first dot) to its keys, so <see cref="KvOp.DeleteEntity"/> costs the entity's size, not the state's.
/// </summary>
internal sealed class KvState : ICommittedKv
{
    private readonly Dictionary<string, string> _kv = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _byEntity = new(StringComparer.Ordinal);

    /// <summary>The state's size: the characters of every key and value in it.</summary>
    public long Volume { get; private set; }

    /// <summary>How much <paramref name="writes"/> write: the characters of their keys and values.</summary>
    public static long VolumeOf(IEnumerable<KvWrite> writes)
    {
        long n = 0;
        foreach (var w in writes) n += w.Key.Length + (w.Value?.Length ?? 0);
        return n;
    }

    /// <summary>A state holding <paramref name="entries"/>.</summary>
    public static KvState From(IEnumerable<KeyValuePair<string, string>> entries)
    {
        var s = new KvState();
        foreach (var (k, v) in entries) s.Set(k, v);
        return s;
    }

    /// <inheritdoc/>
    public string? Get(string key) => _kv.GetValueOrDefault(key);

    /// <inheritdoc/>
    /// <remarks>A scan of the whole state: a state held in memory is small, or read whole anyway.</remarks>
    public IEnumerable<KeyValuePair<string, string>> ReadRange(string from, string? to, string? glob = null) =>
        _kv.Where(e => string.CompareOrdinal(e.Key, from) >= 0 && (to is null || string.CompareOrdinal(e.Key, to) < 0) && (glob is null || KvGlob.IsMatch(glob, e.Key)))
            .OrderBy(e => e.Key, StringComparer.Ordinal).ToList();

    /// <inheritdoc/>
    public long Count(string from, string? to, string? glob = null) =>
        _kv.Keys.LongCount(k => string.CompareOrdinal(k, from) >= 0 && (to is null || string.CompareOrdinal(k, to) < 0) && (glob is null || KvGlob.IsMatch(glob, k)));

    /// <inheritdoc/>
    public IEnumerable<KeyValuePair<string, string>> ReadEntity(string entity) =>
        _byEntity.TryGetValue(entity, out var keys) ? keys.Select(k => new KeyValuePair<string, string>(k, _kv[k])).ToList() : [];

    /// <summary>Applies the writes in order.</summary>
    public void Apply(IEnumerable<KvWrite> writes)
    {
        foreach (var w in writes)
        {
            switch (w.Op)
            {
                case KvOp.Set: Set(w.Key, w.Value!); break;
                case KvOp.Delete: Delete(w.Key); break;
                case KvOp.DeleteEntity:
                    if (_byEntity.Remove(w.Key, out var keys))
                        foreach (var k in keys)
                            if (_kv.Remove(k, out var old)) Volume -= k.Length + old.Length;
                    break;
            }
        }
    }

    private void Set(string key, string value)
    {
        if (_kv.TryAdd(key, value))
        {
            Volume += key.Length + value.Length;
            if (EntityOf(key) is { } e)
            {
                if (!_byEntity.TryGetValue(e, out var set)) _byEntity[e] = set = new HashSet<string>(StringComparer.Ordinal);
                set.Add(key);
            }
        }
        else
        {
            Volume += value.Length - _kv[key].Length;
            _kv[key] = value;
        }
    }

    private void Delete(string key)
    {
        if (!_kv.Remove(key, out var old)) return;
        Volume -= key.Length + old.Length;
        if (EntityOf(key) is { } e && _byEntity.TryGetValue(e, out var set))
        {
            set.Remove(key);
            if (set.Count == 0) _byEntity.Remove(e);
        }
    }

    private static string? EntityOf(string key)
    {
        if (!KvKeys.TrySplit(key, out var head, out _)) return null;
        return Kref.TryParse(head, out _) || VatId.IsValid(head) ? head : null;
    }

    /// <summary>A copy of the state (for a reader that must not see later blocks).</summary>
    public KvState Clone() => From(_kv);

    /// <summary>A copy of the state, unsorted: what recovery and the tools read (none of them needs key order).</summary>
    public Dictionary<string, string> ToDictionary() => new(_kv, StringComparer.Ordinal);

    /// <summary>A copy of the state sorted by key, as the dump shows it.</summary>
    public SortedDictionary<string, string> ToSorted() => new(_kv, StringComparer.Ordinal);
}
