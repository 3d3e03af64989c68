using ActorSwingSet.Schema;

namespace ActorSwingSet.Persistence;

/// <summary>
/// The journal's one event: a committed block of cranks, as the kvStore writes it made. Stored by
/// <see cref="StoredStateSerializer"/> under the manifest <c>swingset.block.v1</c>.
/// </summary>
internal sealed record BlockCommitted(long Block, long CrankNumber, IReadOnlyList<KvWrite> Writes, IReadOnlyList<TranscriptItem> Transcript);

/// <summary>
/// The snapshot: the whole state in kvStore form after <see cref="Block"/>. Stored under the manifest
/// <c>swingset.state.v1</c>.
/// </summary>
internal sealed record StateSnapshot(long Block, IReadOnlyDictionary<string, string> State);
