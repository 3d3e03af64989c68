using ActorSwingSet.Vats;

namespace ActorSwingSet.TestKit;

/// <summary>
/// Describes the kernel <see cref="SwingSetTestKit.StartKernelAsync"/> starts: the vat code it knows (bundles), the
/// static vats it creates, and its policies. The vat-admin vat runs unless <see cref="WithoutVatAdmin"/> is called.
/// </summary>
public sealed class TestKernelBuilder
{
    /// <summary>The default of <see cref="CrankLimit"/>.</summary>
    public const long DefaultCrankLimit = 100_000;

    private readonly VatBundleRegistry _bundles = new();
    private readonly List<StaticVatConfig> _vats = [];
    private readonly List<Func<KernelConfig, KernelConfig>> _changes = [];
    private bool _vatAdmin = true;

    internal TestKernelBuilder()
    {
    }

    internal long MaxCranks { get; private set; } = DefaultCrankLimit;

    /// <summary>Registers the C# vat <typeparamref name="TVat"/> as bundle <paramref name="bundleName"/>; each incarnation gets a new instance.</summary>
    public TestKernelBuilder Vat<TVat>(string bundleName) where TVat : IVat, new()
    {
        _bundles.RegisterVat<TVat>(bundleName);
        return this;
    }

    /// <summary>Registers a C# vat factory as bundle <paramref name="bundleName"/>; it is called once per incarnation.</summary>
    public TestKernelBuilder Vat(string bundleName, Func<IVat> factory)
    {
        _bundles.RegisterVat(bundleName, factory);
        return this;
    }

    /// <summary>
    /// Registers a C# vat given as its <c>buildRootObject</c> function. Handy for a version that cannot start:
    /// <c>.Vat("bank-broken", (_, _, _) =&gt; throw new InvalidOperationException("cannot start"))</c>.
    /// </summary>
    public TestKernelBuilder Vat(string bundleName, Func<VatPowers, object?, Baggage, object> buildRootObject)
    {
        _bundles.RegisterVat(bundleName, buildRootObject);
        return this;
    }

    /// <summary>Registers the raw vat <typeparamref name="TVat"/> (<see cref="IRawVat"/>) as bundle <paramref name="bundleName"/>.</summary>
    public TestKernelBuilder RawVat<TVat>(string bundleName) where TVat : IRawVat, new()
    {
        _bundles.Register(bundleName, () => new TVat());
        return this;
    }

    /// <summary>Registers a raw vat factory as bundle <paramref name="bundleName"/>; it is called once per incarnation.</summary>
    public TestKernelBuilder RawVat(string bundleName, Func<IRawVat> factory)
    {
        _bundles.Register(bundleName, factory);
        return this;
    }

    /// <summary>
    /// Creates the static vat <paramref name="name"/> from bundle <paramref name="bundleName"/> when the kernel starts.
    /// <paramref name="vatParameters"/> is any passable value (a record is usual); none when null.
    /// </summary>
    public TestKernelBuilder StaticVat(string name, string bundleName, object? vatParameters = null, bool enablePipelining = false)
    {
        _vats.Add(new StaticVatConfig(name, bundleName, vatParameters is null ? null : HostValues.Encode(vatParameters), enablePipelining));
        return this;
    }

    /// <summary>Runs the kernel without the vat-admin vat (<see cref="KernelConfig.EnableVatAdmin"/>).</summary>
    public TestKernelBuilder WithoutVatAdmin()
    {
        _vatAdmin = false;
        return this;
    }

    /// <summary>
    /// The most cranks a run to quiescence may take (<see cref="TestKernel.RunToQuiescenceAsync"/>, and so
    /// <see cref="TestKernel.CallAsync(string, string, object?[])"/> and <see cref="TestKernel.UpgradeAsync"/>) before
    /// it fails the test instead of running forever. <see cref="DefaultCrankLimit"/> unless set.
    /// </summary>
    public TestKernelBuilder CrankLimit(long maxCranks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCranks, 1);
        MaxCranks = maxCranks;
        return this;
    }

    /// <summary>
    /// Changes the <see cref="KernelConfig"/> the builder made, for settings it has no method for, e.g.
    /// <c>.Configure(c =&gt; c with { ReapInterval = 1 })</c>. Applied in order, after everything else.
    /// </summary>
    public TestKernelBuilder Configure(Func<KernelConfig, KernelConfig> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        _changes.Add(change);
        return this;
    }

    internal KernelConfig Build()
    {
        var config = new KernelConfig { Bundles = _bundles, Vats = [.. _vats], EnableVatAdmin = _vatAdmin };
        foreach (var change in _changes) config = change(config);
        return config;
    }
}
