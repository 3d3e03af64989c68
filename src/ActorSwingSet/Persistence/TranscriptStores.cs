using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Configuration;
using ActorSwingSet.Schema;
using Microsoft.Data.Sqlite;

namespace ActorSwingSet.Persistence;

/// <summary>
/// One span of a vat's transcript (a row of <c>transcriptSpans</c>): the positions <see cref="StartPos"/> (inclusive) to
/// <see cref="EndPos"/> (exclusive) of incarnation <see cref="Incarnation"/>; <see cref="IsCurrent"/> for the vat's one
/// current span. An old span's items are gone when <c>keep-transcripts</c> is off; its row stays as the record.
/// </summary>
internal readonly record struct TranscriptSpan(string VatId, long StartPos, long EndPos, long Incarnation, bool IsCurrent);

/// <summary>
/// The committed transcripts as the journal keeps them: <see cref="ITranscriptStore"/> plus applying a whole block's
/// items at once, with the number of the last block applied (docs/ARCHITECTURE.md, "Storage": the journal event is the
/// write-ahead log of these tables).
/// </summary>
internal interface ICommittedTranscripts : ITranscriptStore
{
    /// <summary>The last block whose items are applied (0 for none).</summary>
    long AppliedBlock { get; }

    /// <summary>
    /// Applies block <paramref name="block"/>: <paramref name="items"/> in order, then forgets the transcripts of
    /// <paramref name="deletedVats"/>, and records the block as applied, all or nothing. Throws
    /// <see cref="InvalidOperationException"/> (nothing applied) when an item does not follow on from its vat's transcript.
    /// </summary>
    void ApplyBlock(long block, IReadOnlyList<TranscriptItem> items, IReadOnlyList<string> deletedVats);

    /// <summary>Every span, by vat ID and start position (for tools and tests).</summary>
    IReadOnlyList<TranscriptSpan> Spans();

    /// <summary>Every stored item, by vat ID and position (for tools and tests).</summary>
    IReadOnlyList<TranscriptItem> Items();
}

/// <summary>Which transcript store a kernel's journal applies its blocks to.</summary>
internal static class TranscriptStores
{
    private static readonly ConditionalWeakTable<ActorSystem, ConcurrentDictionary<string, MemoryTranscriptStore>> InMemory = new();

    /// <summary>
    /// The store beside the journal that <paramref name="journalPluginId"/> (empty: Akka's default) names in
    /// <paramref name="system"/>'s configuration: the SQLite tables in the journal's own database when the journal is
    /// Akka.Persistence.Sql on SQLite; otherwise (Akka's in-memory journal, PostgreSQL for now) a
    /// <see cref="MemoryTranscriptStore"/> that lives as long as <paramref name="system"/>, like the in-memory journal,
    /// so a kernel restarted in the same system finds its transcripts (a new process finds none on PostgreSQL: the gap
    /// docs/ARCHITECTURE.md names). Throws <see cref="SqliteException"/> when the SQLite tables cannot be opened.
    /// </summary>
    public static ICommittedTranscripts For(ActorSystem system, string journalPluginId, string persistenceId, bool keepOldSpans)
    {
        var config = system.Settings.Config;
        var path = string.IsNullOrEmpty(journalPluginId) ? config.GetString("akka.persistence.journal.plugin", "") : journalPluginId;
        var journal = string.IsNullOrEmpty(path) ? Config.Empty : config.GetConfig(path) ?? Config.Empty;
        if (journal.GetString("provider-name", "").StartsWith("SQLite", StringComparison.OrdinalIgnoreCase)
            && journal.GetString("connection-string", "") is { Length: > 0 } connection)
            return new SqliteTranscriptStore(connection, keepOldSpans);
        return InMemory.GetOrCreateValue(system).GetOrAdd(persistenceId, _ => new MemoryTranscriptStore(keepOldSpans));
    }

    /// <summary>The vat IDs whose whole entity a block deletes (<c>DeleteEntity vN</c>): terminated vats, whose transcripts go too.</summary>
    public static List<string> DeletedVats(IReadOnlyList<KvWrite> writes)
    {
        var vats = new List<string>();
        foreach (var w in writes)
            if (w.Op == KvOp.DeleteEntity && IsVatId(w.Key)) vats.Add(w.Key);
        return vats;
    }

    private static bool IsVatId(string entity) => entity.Length > 1 && entity[0] == 'v' && entity.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0;

    /// <summary>The problem with appending <paramref name="item"/> to a transcript whose current span is <paramref name="current"/> (null: none), or null.</summary>
    internal static string? Misfit(TranscriptItem item, TranscriptSpan? current)
    {
        // a vat's first stored item may start anywhere: items before it were never stored (a database from before
        // transcripts, or a store that lives in memory beside a journal that does not)
        if (current is not { } s) return null;
        if (item.Position != s.EndPos)
            return $"transcript item {item.Position} of {item.VatId} does not follow on from its transcript, which ends at {s.EndPos}";
        if (item.Incarnation < s.Incarnation)
            return $"transcript item {item.Position} of {item.VatId} is of incarnation {item.Incarnation}, older than its current span's {s.Incarnation}";
        return null;
    }
}

/// <summary>
/// Committed transcripts in memory, with the semantics of <see cref="SqliteTranscriptStore"/>: for tests, for a kernel
/// whose journal is not on SQLite, and for the pure kernel. Thread-safe: reads may come from any thread.
/// </summary>
internal sealed class MemoryTranscriptStore(bool keepOldSpans = false) : ICommittedTranscripts
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<string, VatTranscript> _vats = new(StringComparer.Ordinal);
    private long _applied;

    /// <summary>One vat's spans (the last one current) and stored items, both in position order.</summary>
    private sealed class VatTranscript
    {
        public readonly List<TranscriptSpan> Spans = [];
        public readonly List<TranscriptItem> Items = [];
    }

    /// <inheritdoc/>
    public long AppliedBlock
    {
        get
        {
            lock (_lock) return _applied;
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<TranscriptItem> ReadSpan(string vatId, long incarnation)
    {
        lock (_lock) return _vats.TryGetValue(vatId, out var v) ? [.. v.Items.Where(i => i.Incarnation == incarnation)] : [];
    }

    /// <inheritdoc/>
    public long EndPosition(string vatId)
    {
        lock (_lock) return _vats.TryGetValue(vatId, out var v) ? v.Spans[^1].EndPos : 0;
    }

    /// <inheritdoc/>
    public void Append(IReadOnlyList<TranscriptItem> items) => ApplyBlock(AppliedBlock, items, []);

    /// <inheritdoc/>
    public void DeleteVat(string vatId) => ApplyBlock(AppliedBlock, [], [vatId]);

    /// <inheritdoc/>
    public void ApplyBlock(long block, IReadOnlyList<TranscriptItem> items, IReadOnlyList<string> deletedVats)
    {
        lock (_lock)
        {
            // checked first, against the current spans as the items before it leave them: a misfit applies nothing
            var current = new Dictionary<string, TranscriptSpan>(StringComparer.Ordinal);
            foreach (var item in items)
            {
                TranscriptSpan? c = current.TryGetValue(item.VatId, out var seen) ? seen : _vats.TryGetValue(item.VatId, out var v) ? v.Spans[^1] : null;
                if (TranscriptStores.Misfit(item, c) is { } problem) throw new InvalidOperationException(problem);
                current[item.VatId] = c is { } s && s.Incarnation == item.Incarnation
                    ? s with { EndPos = item.Position + 1 }
                    : new TranscriptSpan(item.VatId, item.Position, item.Position + 1, item.Incarnation, true);
            }
            foreach (var item in items) Add(item);
            foreach (var vatId in deletedVats) _vats.Remove(vatId);
            _applied = block;
        }
    }

    private void Add(TranscriptItem item)
    {
        if (!_vats.TryGetValue(item.VatId, out var v)) _vats[item.VatId] = v = new VatTranscript();
        if (v.Spans.Count > 0 && v.Spans[^1].Incarnation == item.Incarnation)
        {
            v.Spans[^1] = v.Spans[^1] with { EndPos = item.Position + 1 };
        }
        else
        {
            if (v.Spans.Count > 0)
            {
                v.Spans[^1] = v.Spans[^1] with { IsCurrent = false };
                // every stored item is older than the new span
                if (!keepOldSpans) v.Items.Clear();
            }
            v.Spans.Add(new TranscriptSpan(item.VatId, item.Position, item.Position + 1, item.Incarnation, true));
        }
        v.Items.Add(item);
    }

    /// <inheritdoc/>
    public IReadOnlyList<TranscriptSpan> Spans()
    {
        lock (_lock) return [.. _vats.Values.SelectMany(v => v.Spans)];
    }

    /// <inheritdoc/>
    public IReadOnlyList<TranscriptItem> Items()
    {
        lock (_lock) return [.. _vats.Values.SelectMany(v => v.Items)];
    }
}
