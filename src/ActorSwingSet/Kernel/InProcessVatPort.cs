using ActorSwingSet.Vat;
using ActorSwingSet.Vat.Messages;

namespace ActorSwingSet.Kernel;

/// <summary>Runs every vat's logic in the caller's thread: the kernel without an ActorSystem.</summary>
internal sealed class InProcessVatPort(VatBundleRegistry bundles) : IVatPort
{
    private readonly Dictionary<string, VatHost> _hosts = new(StringComparer.Ordinal);

    public void CreateVat(string vatId, string bundleName, Kref root, bool enablePipelining) =>
        _hosts[vatId] = new VatHost(vatId, bundleName, root, enablePipelining, bundles);

    public void RestoreVat(string vatId, string bundleName, bool enablePipelining, IReadOnlyDictionary<string, string> state) =>
        _hosts[vatId] = new VatHost(Vat.State.VatKeeper.Load(vatId, state), bundleName, enablePipelining, bundles);

    public void DestroyVat(string vatId) => _hosts.Remove(vatId);

    public Task<TReply> RequestAsync<TReply>(string vatId, VatRequest<TReply> request) where TReply : class =>
        Task.FromResult(_hosts.TryGetValue(vatId, out var h)
            ? h.Handle(request)
            : throw new KernelPanicException($"no host for vat {vatId}"));

    public void Tell(string vatId, VatCommand command)
    {
        if (_hosts.TryGetValue(vatId, out var h)) h.Handle(command);
    }
}
