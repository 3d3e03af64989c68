using ActorSwingSet.Schema;
using ActorSwingSet.Vat;
using ActorSwingSet.Vat.Messages;

namespace ActorSwingSet.Kernel;

/// <summary>
/// Runs every vat's logic in the caller's thread: the kernel without an ActorSystem. Vat workers are kept online by
/// the same <see cref="VatWarehouse"/> rule as with actors (unlimited unless <paramref name="maxVatsOnline"/> is given).
/// </summary>
internal sealed class InProcessVatPort(VatBundleRegistry bundles, ITranscriptStore? transcripts = null, int maxVatsOnline = int.MaxValue) : IVatPort
{
    private readonly Dictionary<string, VatHost> _hosts = new(StringComparer.Ordinal);
    private readonly VatWarehouse _warehouse = new(maxVatsOnline);

    public void CreateVat(string vatId, string bundleName, Kref root, bool enablePipelining) =>
        _hosts[vatId] = new VatHost(vatId, bundleName, root, enablePipelining, bundles, transcripts);

    public void RestoreVat(string vatId, string bundleName, bool enablePipelining, IReadOnlyDictionary<string, string> state) =>
        _hosts[vatId] = new VatHost(Vat.State.VatKeeper.Load(vatId, state), bundleName, enablePipelining, bundles, transcripts);

    public void DestroyVat(string vatId)
    {
        _hosts.Remove(vatId);
        _warehouse.Forget(vatId);
    }

    /// <summary>The vats whose workers are online, least recently used first.</summary>
    public IEnumerable<string> Online => _warehouse.Online;

    /// <summary>The host of a vat, for tests that look inside it.</summary>
    public VatHost Host(string vatId) => _hosts[vatId];

    public Task<TReply> RequestAsync<TReply>(string vatId, VatRequest<TReply> request) where TReply : class
    {
        if (!_hosts.TryGetValue(vatId, out var h)) throw new KernelPanicException($"no host for vat {vatId}");
        if (request is ICrankRequest c && _warehouse.Use(vatId, c.Crank) is { } evict)
            foreach (var other in evict) _hosts[other].Handle(new EvictWorker(c.Crank));
        return Task.FromResult(h.Handle(request));
    }

    public void Tell(string vatId, VatCommand command)
    {
        if (_hosts.TryGetValue(vatId, out var h)) h.Handle(command);
    }
}
