namespace ActorSwingSet.Persistence;

/// <summary>
/// When the journal snapshots the whole state: every <see cref="EveryBlocks"/> blocks (0: not by count), and also
/// after any block that brings the volume written since the last snapshot (the characters of the keys and values
/// the blocks wrote) to at least the state's own volume and at least <see cref="MinVolume"/>. The second rule bounds
/// recovery at any block count: it reads one snapshot and at most about one state's worth of blocks (or
/// <see cref="MinVolume"/>), plus one block; and snapshots cost at most as much writing as the blocks they follow.
/// Both rules look only at the blocks' numbers and contents, never at time, so the same blocks give the same
/// snapshots.
/// </summary>
/// <param name="EveryBlocks">Snapshot after every block whose number is a multiple of this (0: never by count).</param>
/// <param name="MinVolume">The least written volume that can call for a snapshot by volume (at least 1).</param>
internal sealed record SnapshotPolicy(long EveryBlocks, long MinVolume = SnapshotPolicy.DefaultMinVolume)
{
    /// <summary>The default <see cref="MinVolume"/> (<c>snapshot-min-volume</c>): 1 Mi characters.</summary>
    public const long DefaultMinVolume = 1L << 20;

    /// <summary>
    /// Whether to snapshot after block <paramref name="block"/>, with <paramref name="writtenSinceSnapshot"/> written
    /// since the last snapshot (this block included) and a state of <paramref name="stateVolume"/>.
    /// </summary>
    public bool IsDue(long block, long writtenSinceSnapshot, long stateVolume) =>
        (EveryBlocks > 0 && block % EveryBlocks == 0)
        || writtenSinceSnapshot >= Math.Max(stateVolume, MinVolume);
}
