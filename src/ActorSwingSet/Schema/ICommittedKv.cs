namespace ActorSwingSet.Schema;

/// <summary>
/// The committed kvStore, read by key, by entity and by key range: what the last stored block left, never what a
/// running crank changed. The kernel restores from it without holding it whole (a row it has not touched is read when
/// first needed), and a vat whose host is not in memory is loaded from it (<c>ReadEntity("vN")</c>), so an offline vat
/// costs the kernel no memory for its c-list and vatstore. Keys compare ordinally (SQLite's BINARY collation).
/// </summary>
internal interface ICommittedKv
{
    /// <summary>The committed value of <paramref name="key"/>, or null when it has none.</summary>
    string? Get(string key);

    /// <summary>Every committed key of <paramref name="entity"/> (a vat ID or a kref: the keys that start with it and a dot), with its value.</summary>
    IEnumerable<KeyValuePair<string, string>> ReadEntity(string entity);

    /// <summary>
    /// The committed keys <c>k</c> with <paramref name="from"/> &lt;= k &lt; <paramref name="to"/> (no upper bound when
    /// <paramref name="to"/> is null), in key order, with their values; with <paramref name="glob"/>, only the keys it
    /// matches (SQLite's GLOB, of which only <c>*</c>, any run of characters, and <c>?</c>, one character, may be used).
    /// </summary>
    IEnumerable<KeyValuePair<string, string>> ReadRange(string from, string? to, string? glob = null);

    /// <summary>How many keys <see cref="ReadRange"/> would read with the same arguments (counted where the keys are).</summary>
    long Count(string from, string? to, string? glob = null);
}
