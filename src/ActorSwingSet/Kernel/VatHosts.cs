using System.Text.Json;
using ActorSwingSet.Schema;
using ActorSwingSet.Vat;
using ActorSwingSet.Vat.State;

namespace ActorSwingSet.Kernel;

/// <summary>
/// The vat hosts a port serves. Without a committed store every host stays in memory. With one (a kernel whose
/// committed kvStore can be read by entity), a restored vat's host is loaded from it when the vat is first needed,
/// and once a block is stored the hosts of vats whose workers are offline are let go, to be loaded again when next
/// needed: an idle vat then costs the port nothing but its ID. Loading reads the vat's bundle and pipelining from its
/// committed <c>vN.source</c> and <c>vN.options</c>, so an upgrade's new bundle is what comes back.
/// </summary>
internal sealed class VatHosts(VatBundleRegistry bundles, ITranscriptStore? transcripts, ICommittedKv? committed)
{
    private readonly Dictionary<string, VatHost> _loaded = new(StringComparer.Ordinal);
    // with a committed store: every live vat, loaded or not
    private readonly HashSet<string> _live = new(StringComparer.Ordinal);

    public bool LoadsOnDemand => committed is not null;

    /// <summary>The hosts in memory.</summary>
    public int Loaded => _loaded.Count;

    public void Create(string vatId, string bundleName, Kref root, bool enablePipelining)
    {
        _loaded[vatId] = new VatHost(vatId, bundleName, root, enablePipelining, bundles, transcripts);
        if (LoadsOnDemand) _live.Add(vatId);
    }

    public void Restore(string vatId, string bundleName, bool enablePipelining, IReadOnlyDictionary<string, string>? state)
    {
        if (state is null)
        {
            if (!LoadsOnDemand) throw new InvalidOperationException($"internal error: vat {vatId} restored without its state by a port that does not load on demand");
            _live.Add(vatId);
            return;
        }
        _loaded[vatId] = new VatHost(VatKeeper.Load(vatId, state), bundleName, enablePipelining, bundles, transcripts);
        if (LoadsOnDemand) _live.Add(vatId);
    }

    public void Remove(string vatId)
    {
        _loaded.Remove(vatId);
        _live.Remove(vatId);
    }

    /// <summary>The vat's host if it is in memory (a command for a vat not in memory has nothing to act on).</summary>
    public VatHost? InMemory(string vatId) => _loaded.GetValueOrDefault(vatId);

    /// <summary>The vat's host, loaded from the committed store if it is not in memory; null for no such vat.</summary>
    public VatHost? Find(string vatId)
    {
        if (_loaded.TryGetValue(vatId, out var host)) return host;
        if (!_live.Contains(vatId)) return null;
        var kv = committed!.ReadEntity(vatId).ToDictionary(StringComparer.Ordinal);
        var bundle = Field(kv, KvKeys.VatSource(vatId), "bundleName").GetString()!;
        var pipelining = Field(kv, KvKeys.VatOptions(vatId), "enablePipelining").GetBoolean();
        return _loaded[vatId] = new VatHost(VatKeeper.Load(vatId, kv), bundle, pipelining, bundles, transcripts);
    }

    private static JsonElement Field(Dictionary<string, string> kv, string key, string property) =>
        kv.TryGetValue(key, out var json) && JsonDocument.Parse(json).RootElement.TryGetProperty(property, out var value)
            ? value.Clone()
            : throw new KernelPanicException($"the committed state has no {property} in {key}");

    /// <summary>A block is stored: the hosts <paramref name="keep"/> does not keep are let go (with a committed store).</summary>
    public void LetGo(Func<string, bool> keep)
    {
        if (!LoadsOnDemand) return;
        foreach (var vatId in _loaded.Keys.Where(v => !keep(v)).ToList()) _loaded.Remove(vatId);
    }
}
