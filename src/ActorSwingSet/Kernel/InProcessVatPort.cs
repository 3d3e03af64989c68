using ActorSwingSet.Schema;
using ActorSwingSet.Vat;
using ActorSwingSet.Vat.Messages;

namespace ActorSwingSet.Kernel;

/// <summary>
/// Runs every vat's logic in the caller's thread: the kernel without an ActorSystem. Vat workers are kept online by
/// the same <see cref="VatWarehouse"/> rule as with actors (unlimited unless <paramref name="maxVatsOnline"/> is
/// given), and with a <paramref name="committed"/> store, hosts are loaded and let go as <see cref="VatHosts"/> says.
/// </summary>
internal sealed class InProcessVatPort(VatBundleRegistry bundles, ITranscriptStore? transcripts = null, int maxVatsOnline = int.MaxValue,
    ICommittedKv? committed = null) : IVatPort
{
    private readonly VatHosts _hosts = new(bundles, transcripts, committed);
    private readonly VatWarehouse _warehouse = new(maxVatsOnline);

    public bool LoadsOnDemand => _hosts.LoadsOnDemand;

    /// <summary>The hosts in memory.</summary>
    public int HostsLoaded => _hosts.Loaded;

    public void CreateVat(string vatId, string bundleName, Kref root, bool enablePipelining) => _hosts.Create(vatId, bundleName, root, enablePipelining);

    public void RestoreVat(string vatId, string bundleName, bool enablePipelining, IReadOnlyDictionary<string, string>? state) =>
        _hosts.Restore(vatId, bundleName, enablePipelining, state);

    public void DestroyVat(string vatId)
    {
        _hosts.Remove(vatId);
        _warehouse.Forget(vatId);
    }

    public void BlockStored() => _hosts.LetGo(_warehouse.IsOnline);

    /// <summary>The vats whose workers are online, least recently used first.</summary>
    public IEnumerable<string> Online => _warehouse.Online;

    /// <summary>The host of a vat, for tests and benchmarks that look inside it.</summary>
    public VatHost Host(string vatId) => _hosts.Find(vatId) ?? throw new KeyNotFoundException(vatId);

    public Task<TReply> RequestAsync<TReply>(string vatId, VatRequest<TReply> request) where TReply : class
    {
        var h = _hosts.Find(vatId) ?? throw new KernelPanicException($"no host for vat {vatId}");
        if (request is ICrankRequest { RunsCode: true } c && _warehouse.Use(vatId, c.Crank) is { } evict)
            foreach (var other in evict) _hosts.InMemory(other)?.Handle(new EvictWorker(c.Crank));
        return Task.FromResult(h.Handle(request));
    }

    public void Tell(string vatId, VatCommand command) => _hosts.InMemory(vatId)?.Handle(command);
}
