using ActorSwingSet.Kernel.State;
using ActorSwingSet.References;
using ActorSwingSet.Vat.Messages;

namespace ActorSwingSet.Kernel.Crank;

/// <summary>
/// The kernel's way to its vats, keeping the records a crank's end needs: the vats asked anything in this crank
/// (an abort is told to each), the vats created in it (an abort destroys them) and the vats asked anything since the
/// last block delta (only they can have state to write).
/// </summary>
internal sealed class CrankContext(IVatPort port, KernelOptions options, KernelKeeper keeper) : ICrankContext
{
    private readonly HashSet<string> _touchedVats = new(StringComparer.Ordinal);
    private readonly List<string> _createdVats = [];
    private readonly HashSet<string> _blockVats = new(StringComparer.Ordinal);

    public KernelKeeper Keeper => keeper;
    public VatBundleRegistry Bundles => options.Bundles;
    public IKernelListener? Listener => options.Listener;
    public ICrankTrace? Slog => options.Slog;

    public Task<TReply> RequestAsync<TReply>(string vatId, VatRequest<TReply> request) where TReply : class
    {
        _touchedVats.Add(vatId);
        _blockVats.Add(vatId);
        return port.RequestAsync(vatId, request);
    }

    public Task<DeliveryReply> DeliverAsync(string vatId, KernelDelivery delivery)
    {
        options.Slog?.Deliver(keeper.CrankNumber, vatId, delivery);
        return RequestAsync(vatId, new DeliverRequest(keeper.CrankNumber, delivery, keeper.NextObjectId, keeper.NextPromiseId));
    }

    public Kref CreateVatHost(string vatId, string bundleName, bool enablePipelining)
    {
        var root = keeper.AddObject(vatId);
        keeper.ApplyCListChange(vatId, new CListChange(CListChangeKind.Reachable, root, VrefInfo.Root, true));
        keeper.Pin(root);
        port.CreateVat(vatId, bundleName, root, enablePipelining);
        _createdVats.Add(vatId);
        _blockVats.Add(vatId);
        return root;
    }

    /// <summary>A crank begins: no vat is touched or created in it yet.</summary>
    public void BeginCrank()
    {
        _touchedVats.Clear();
        _createdVats.Clear();
    }

    /// <summary>The crank is rolled back: every vat it touched aborts its crank, and the vats it created are gone.</summary>
    public void AbortVats()
    {
        foreach (var v in _touchedVats) port.Tell(v, new AbortCrank(keeper.CrankNumber));
        foreach (var v in _createdVats) port.DestroyVat(v);
        _createdVats.Clear();
        _touchedVats.Clear();
    }

    /// <summary>A vat terminated in a committed crank: its host goes.</summary>
    public void DestroyVat(string vatId) => port.DestroyVat(vatId);

    /// <summary>The live vats asked anything since <see cref="ClearBlockVats"/>, in vat order.</summary>
    public List<string> BlockVats() => _blockVats.Where(keeper.IsAlive).Order(Comparer<string>.Create(VatId.Compare)).ToList();

    /// <summary>A block delta was taken: its vats start afresh.</summary>
    public void ClearBlockVats()
    {
        _blockVats.Clear();
        _blockVats.TrimExcess();
    }
}
