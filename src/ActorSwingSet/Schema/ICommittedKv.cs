namespace ActorSwingSet.Schema;

/// <summary>
/// The committed kvStore, read by entity: what the last stored block left, never what a running crank changed. A
/// vat whose host is not in memory is loaded from it (<c>ReadEntity("vN")</c>), so an offline vat costs the kernel
/// no memory for its c-list and vatstore.
/// </summary>
internal interface ICommittedKv
{
    /// <summary>Every committed key of <paramref name="entity"/> (a vat ID or a kref: the keys that start with it and a dot), with its value.</summary>
    IEnumerable<KeyValuePair<string, string>> ReadEntity(string entity);
}
