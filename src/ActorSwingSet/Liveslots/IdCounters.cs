using System.Text.Json;

namespace ActorSwingSet.Liveslots;

/// <summary>
/// The vat's allocation counters (next <c>o+N</c>, <c>p+N</c> and kind ID), kept in the vatstore under
/// <c>idCounters</c> so no incarnation reuses a number an earlier one gave out.
/// </summary>
internal sealed class IdCounters(VatStore store)
{
    private sealed record Stored(long ExportId, long PromiseId, long KindId);

    private long _export = 1;
    private long _promise = 1;
    private long _kind = 1;
    private bool _dirty;

    public void Load()
    {
        if (store.Get("idCounters") is not { } raw) return;
        var s = JsonSerializer.Deserialize<Stored>(raw, JsonSerializerOptions.Web)!;
        (_export, _promise, _kind) = (s.ExportId, s.PromiseId, s.KindId);
    }

    public long NextExport() { _dirty = true; return _export++; }
    public long NextPromise() { _dirty = true; return _promise++; }
    public long NextKind() { _dirty = true; return _kind++; }

    /// <summary>Writes the counters if they moved during this delivery.</summary>
    public void Flush()
    {
        if (!_dirty) return;
        store.Set("idCounters", JsonSerializer.Serialize(new Stored(_export, _promise, _kind), JsonSerializerOptions.Web));
        _dirty = false;
    }
}
