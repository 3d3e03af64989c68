using ActorSwingSet.Liveslots;

namespace ActorSwingSet.Vats;

/// <summary>
/// A virtual or durable kind (SwingSet's <c>defineKind</c>/<c>defineDurableKind</c>): a maker of objects whose
/// state lives in the vatstore. Instances are remotable and keep one identity (vref) for their whole life; a
/// durable kind's instances keep it across upgrades.
/// </summary>
public sealed class Kind<T> where T : class
{
    private readonly KindTable.KindInfo _info;

    internal Kind(KindTable.KindInfo info) => _info = info;

    /// <summary>The kind's tag (its durable identity).</summary>
    public string Tag => _info.Tag;

    /// <summary>Whether instances survive upgrades.</summary>
    public bool Durable => _info.Durable;

    /// <summary>Makes an instance whose state starts as <paramref name="fields"/>.</summary>
    public T Make(params (string Field, object? Value)[] fields) => Make(Passable.Record(fields));

    /// <summary>Makes an instance whose state starts as <paramref name="state"/> (a record of passable values).</summary>
    public T Make(IReadOnlyDictionary<string, object?> state) => (T)_info.Owner.Make(_info, state);
}

/// <summary>
/// The state of one virtual or durable object: named fields of passable values, read and written through the
/// vatstore. A durable object's fields hold only durable values (see <see cref="Baggage"/>); a virtual object's may
/// also hold virtual objects.
/// </summary>
public sealed class ObjectState
{
    private readonly KindTable _kinds;
    private SortedDictionary<string, object?>? _fields;

    internal ObjectState(KindTable kinds, string vref, bool durable)
    {
        _kinds = kinds;
        Vref = vref;
        Durable = durable;
    }

    /// <summary>The object's vref (<c>o+vK/I</c> or <c>o+dK/I</c>).</summary>
    public string Vref { get; }

    internal bool Durable { get; }

    private SortedDictionary<string, object?> Fields => _fields ?? throw new InvalidOperationException($"{Vref} has no state loaded");

    /// <summary>Whether the state has <paramref name="field"/>.</summary>
    public bool Has(string field) => Fields.ContainsKey(field);

    /// <summary>A field's value; throws <see cref="KeyNotFoundException"/> when the state has no such field.</summary>
    public object? Get(string field) =>
        Fields.TryGetValue(field, out var v) ? v : throw new KeyNotFoundException($"{Vref} has no state field '{field}'");

    /// <summary>A field's value converted to <typeparamref name="TValue"/>.</summary>
    public TValue Get<TValue>(string field) => Passable.To<TValue>(Get(field));

    /// <summary>Sets a field (written to the vatstore at once).</summary>
    public void Set(string field, object? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        var next = new SortedDictionary<string, object?>(Fields, StringComparer.Ordinal) { [field] = value };
        _kinds.SaveState(Vref, next, Durable);
        _fields = next;
    }

    internal void Reset(SortedDictionary<string, object?> fields) => _fields = fields;
}
