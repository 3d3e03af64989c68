namespace ActorSwingSet.Persistence;

/// <summary>What a <see cref="KvWrite"/> does to the kvStore.</summary>
public enum KvOp : byte
{
    /// <summary>Set <see cref="KvWrite.Key"/> to <see cref="KvWrite.Value"/>.</summary>
    Set,
    /// <summary>Delete <see cref="KvWrite.Key"/>.</summary>
    Delete,
    /// <summary>Delete every key of an entity: <see cref="KvWrite.Key"/> is a kref or vat ID, and every key that starts with it and a dot goes.</summary>
    DeleteEntity,
}

/// <summary>One change to the state in kvStore form: the unit a block of cranks is journalled in.</summary>
public readonly record struct KvWrite(KvOp Op, string Key, string? Value = null)
{
    public static KvWrite Set(string key, string value) => new(KvOp.Set, key, value);
    public static KvWrite Delete(string key) => new(KvOp.Delete, key);
    public static KvWrite DeleteEntity(string entity) => new(KvOp.DeleteEntity, entity);

    /// <summary>Applies writes, in order, to a state held as a sorted map.</summary>
    public static void Apply(SortedDictionary<string, string> kv, IEnumerable<KvWrite> writes)
    {
        foreach (var w in writes)
        {
            switch (w.Op)
            {
                case KvOp.Set:
                    kv[w.Key] = w.Value!;
                    break;
                case KvOp.Delete:
                    kv.Remove(w.Key);
                    break;
                case KvOp.DeleteEntity:
                    var prefix = w.Key + ".";
                    foreach (var key in kv.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList()) kv.Remove(key);
                    break;
            }
        }
    }
}
