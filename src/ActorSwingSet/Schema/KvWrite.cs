namespace ActorSwingSet.Schema;

/// <summary>What a <see cref="KvWrite"/> does to the kvStore.</summary>
internal enum KvOp : byte
{
    /// <summary>Set <see cref="KvWrite.Key"/> to <see cref="KvWrite.Value"/>.</summary>
    Set,
    /// <summary>Delete <see cref="KvWrite.Key"/>.</summary>
    Delete,
    /// <summary>Delete every key of an entity: <see cref="KvWrite.Key"/> is a kref or vat ID, and every key that starts with it and a dot goes.</summary>
    DeleteEntity,
}

/// <summary>One change to the state in kvStore form: the unit a block of cranks is journalled in.</summary>
internal readonly record struct KvWrite(KvOp Op, string Key, string? Value = null)
{
    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/>.</summary>
    public static KvWrite Set(string key, string value) => new(KvOp.Set, key, value);
    /// <summary>Deletes <paramref name="key"/>.</summary>
    public static KvWrite Delete(string key) => new(KvOp.Delete, key);
    /// <summary>Deletes every key of <paramref name="entity"/> (a kref or vat ID).</summary>
    public static KvWrite DeleteEntity(string entity) => new(KvOp.DeleteEntity, entity);
}
