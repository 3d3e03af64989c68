using ActorSwingSet.Vats;

namespace ActorSwingSet.VatAdmin;

/// <summary>
/// The vat-admin vat (SwingSet's <c>vatAdmin</c>), itself a C# vat: its root is the vat-admin service other vats
/// use to create dynamic vats, and each vat it creates gets an admin node (a durable object) to upgrade or
/// terminate it and to learn when it is done. It asks the kernel through the vat-admin syscall, which only it may
/// make. Enabled with <see cref="KernelConfig.EnableVatAdmin"/>; the host finds its root with
/// <see cref="SwingSetController.GetVatAdminServiceAsync"/>.
/// </summary>
internal sealed class VatAdminVat : IVat
{
    /// <summary>The static vat's name, which the kernel knows it by.</summary>
    public const string VatName = KernelConfig.VatAdminVatName;

    /// <summary>The built-in bundle it runs.</summary>
    public const string BundleName = "swingset:vat-admin";

    public static void Register(VatBundleRegistry bundles)
    {
        if (!bundles.Contains(BundleName)) bundles.RegisterVat<VatAdminVat>(BundleName);
    }

    public object BuildRootObject(VatPowers powers, object? vatParameters, Baggage baggage)
    {
        var nodes = powers.DefineDurableKind("AdminNode", state => new AdminNode(state, powers));
        return new VatAdminService(powers, baggage, nodes);
    }
}

/// <summary>The vat-admin service: <c>createVat(bundleName, {vatParameters, enablePipelining})</c> → <c>{root, adminNode}</c>.</summary>
[Far("VatAdminService")]
internal sealed class VatAdminService(VatPowers powers, Baggage baggage, Kind<AdminNode> nodes)
{
    public async Task<object?> CreateVat(string bundleName, IReadOnlyDictionary<string, object?>? options = null)
    {
        var parameters = options?.GetValueOrDefault("vatParameters");
        var pipelining = options?.GetValueOrDefault("enablePipelining") switch
        {
            null or Undefined => false,
            bool b => b,
            _ => throw new ArgumentException("enablePipelining must be a boolean"),
        };
        var created = Passable.To<IReadOnlyDictionary<string, object?>>(
            await powers.CallVatAdmin("createVat", bundleName, parameters is Undefined ? null : parameters, pipelining));
        var vatId = Passable.To<string>(created["vatID"]);
        var node = nodes.Make(("vatID", vatId), ("done", powers.MakeDurablePromise()));
        baggage.Init("vat." + vatId, node);
        return Passable.Record(("root", created["root"]), ("adminNode", node));
    }

    /// <summary>
    /// From the kernel: a vat this service created is gone. Anyone holding the service can call this, so it is only
    /// a hint: the outcome comes from the kernel's own record of the vat, and a live vat's done-promise is untouched.
    /// </summary>
    public async Task VatTerminated(string vatId, bool isFailure, object? reason)
    {
        if (!baggage.Has("vat." + vatId)) return;
        var status = Passable.To<IReadOnlyDictionary<string, object?>>(await powers.CallVatAdmin("vatStatus", vatId));
        if (status["alive"] is true) return;
        var done = baggage.Get<AdminNode>("vat." + vatId).DonePromise;
        if (!done.IsPending) return;
        if (status["isFailure"] is true) done.Reject(status["reason"]);
        else done.Resolve(status["reason"]);
    }
}

/// <summary>One created vat's admin node: <c>upgrade</c>, <c>terminateWithFailure</c>, <c>done</c>.</summary>
internal sealed class AdminNode(ObjectState state, VatPowers powers)
{
    private string VatId => state.Get<string>("vatID");

    internal DurablePromise DonePromise => state.Get<DurablePromise>("done");

    /// <summary>Upgrades the vat; settles with <c>{incarnationNumber}</c>, or rejects and the old incarnation keeps running.</summary>
    public Task<object?> Upgrade(string bundleName, IReadOnlyDictionary<string, object?>? options = null)
    {
        var parameters = options?.GetValueOrDefault("vatParameters");
        var message = options?.GetValueOrDefault("upgradeMessage") switch
        {
            null or Undefined => "vat upgraded",
            string s => s,
            _ => throw new ArgumentException("upgradeMessage must be a string"),
        };
        return powers.CallVatAdmin("upgradeVat", VatId, bundleName, parameters is Undefined ? null : parameters, message);
    }

    /// <summary>Terminates the vat; its promises are rejected and its done-promise rejected with <paramref name="reason"/>.</summary>
    public Task<object?> TerminateWithFailure(object? reason)
    {
        if (powers.CarriesReferences(reason))
            throw new ArgumentException("a termination reason cannot carry references");
        return powers.CallVatAdmin("terminateVat", VatId, reason);
    }

    /// <summary>Settles when the vat dies: fulfilled by a clean exit, rejected otherwise.</summary>
    public Task<object?> Done() => DonePromise.Promise;
}
