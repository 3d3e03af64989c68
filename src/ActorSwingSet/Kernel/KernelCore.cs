using ActorSwingSet.Kernel.Crank;
using ActorSwingSet.Kernel.Handlers;
using ActorSwingSet.Kernel.State;
using ActorSwingSet.References;
using ActorSwingSet.Schema;
using ActorSwingSet.Vat.Messages;

namespace ActorSwingSet.Kernel;

/// <summary>
/// The kernel: the host's operations and the composition of the crank engine with its handlers. Each
/// <see cref="StepAsync"/> is one crank, run by <see cref="CrankEngine"/>. Host operations run between cranks, check
/// their input before touching anything (bad input throws <see cref="ArgumentException"/> and changes nothing), and
/// put work on the queues rather than doing it. Promises they return are held for the host session that asked until
/// <see cref="ReleasePromise"/>, or until a later session begins (<see cref="BeginHostSession"/>).
/// </summary>
internal sealed class KernelCore
{
    private readonly KernelOptions _options;
    private readonly CrankContext _context;
    private readonly CrankEngine _engine;
    private readonly LeakRemediation _remediation;

    public KernelCore(IVatPort port, KernelOptions options, KernelKeeper? keeper = null)
    {
        _options = options;
        // state made with the leak on purpose is marked as what it is: the schema version before remediation
        Keeper = keeper ?? new KernelKeeper { SchemaVersion = ExpectedVersion(options) };
        _context = new CrankContext(port, options, Keeper);
        var vatAdmin = new VatAdminBridge(_context);
        var replies = new VatReplyApplier(_context, vatAdmin);
        var routing = new RoutingHandler(_context);
        var deliveries = new DeliveryHandler(_context, routing, replies);
        var lifecycle = new VatLifecycleHandler(_context, replies, vatAdmin);
        var upgrades = new UpgradeHandler(_context, replies, options.ReproduceUpgradeLeakBug9039);
        var handlers = new Dictionary<Type, ICrankHandler>
        {
            [typeof(SendEvent)] = deliveries,
            [typeof(NotifyEvent)] = deliveries,
            [typeof(GcEvent)] = deliveries,
            [typeof(BringOutYourDeadEvent)] = deliveries,
            [typeof(StartVatEvent)] = deliveries,
            [typeof(CreateVatEvent)] = lifecycle,
            [typeof(TerminateVatEvent)] = lifecycle,
            [typeof(UpgradeVatEvent)] = upgrades,
        };
        _engine = new CrankEngine(_context, options.ReapInterval, routing, handlers, lifecycle);
        _remediation = new LeakRemediation(_context);
    }

    private static string ExpectedVersion(KernelOptions options) =>
        options.ReproduceUpgradeLeakBug9039 ? KvKeys.LeakyVersion : KvKeys.CurrentVersion;

    /// <summary>
    /// A kernel rebuilt from state in the kvStore schema: the tables, and every live vat's host with its c-list,
    /// vatstore and incarnation. No vat's code runs here: each worker is rebuilt on its vat's next delivery by
    /// replaying its transcript.
    /// </summary>
    public static KernelCore Restore(IVatPort port, KernelOptions options, IReadOnlyDictionary<string, string> state) =>
        Restore(port, options, KvState.From(state));

    /// <inheritdoc cref="Restore(IVatPort, KernelOptions, IReadOnlyDictionary{string, string})"/>
    public static KernelCore Restore(IVatPort port, KernelOptions options, ICommittedKv state) =>
        Restore(port, options, state, ExpectedVersion(options), requireBundles: true);

    internal static KernelCore Restore(IVatPort port, KernelOptions options, IReadOnlyDictionary<string, string> state, string version, bool requireBundles) =>
        Restore(port, options, KvState.From(state), version, requireBundles);

    internal static KernelCore Restore(IVatPort port, KernelOptions options, ICommittedKv state, string version, bool requireBundles)
    {
        var core = new KernelCore(port, options, KernelKeeper.Load(state, version));
        foreach (var v in core.Keeper.Vats.Where(v => v.Alive))
        {
            if (requireBundles && !options.Bundles.Contains(v.BundleName)) throw new FormatException($"vat {v.VatId} runs bundle '{v.BundleName}', which is not registered");
            // a port that loads its vats on demand reads them from the committed store when they are needed, not now
            port.RestoreVat(v.VatId, v.BundleName, v.EnablePipelining, port.LoadsOnDemand ? null : state.ReadEntity(v.VatId).ToDictionary(StringComparer.Ordinal));
        }
        return core;
    }

    public KernelKeeper Keeper { get; }

    /// <summary>
    /// Every state change since the last call (or since the kernel was built or restored), as kvStore writes (first
    /// each vat's, then the kernel's) and the vats' new transcript items. Applied to the previously committed state
    /// they give exactly the current dump and transcripts; this is what a block commit journals.
    /// </summary>
    public async Task<BlockDelta> TakeBlockDeltaAsync()
    {
        HostOp();
        var writes = new List<KvWrite>();
        var transcript = new List<TranscriptItem>();
        foreach (var vatId in _context.BlockVats())
        {
            var delta = await _context.RequestAsync(vatId, new TakeVatBlockDelta()).ConfigureAwait(false);
            writes.AddRange(delta.Writes);
            transcript.AddRange(delta.Transcript);
        }
        _context.ClearBlockVats();
        writes.AddRange(Keeper.TakeBlockDelta());
        return new BlockDelta(writes, transcript);
    }
    public VatBundleRegistry Bundles => _options.Bundles;
    public string? PanicReason => _engine.PanicReason;

    // ---------------- running ----------------

    /// <summary>Runs one crank. Returns false when there was nothing to do.</summary>
    public Task<bool> StepAsync() => _engine.StepAsync();

    /// <summary>Runs until the queues are empty or <paramref name="maxCranks"/> cranks have run; returns the count.</summary>
    public async Task<long> RunAsync(long maxCranks = long.MaxValue)
    {
        long n = 0;
        while (n < maxCranks && await StepAsync().ConfigureAwait(false)) n++;
        return n;
    }

    /// <summary>Checks a kernel configuration; throws <see cref="ArgumentException"/> naming the first problem.</summary>
    public static void Validate(KernelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config.Bundles);
        if (config.ReapInterval < 0) throw new ArgumentException("ReapInterval must be 0 (never) or more");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var v in config.Vats)
        {
            if (string.IsNullOrWhiteSpace(v.Name)) throw new ArgumentException("a static vat needs a name");
            if (VatId.IsValid(v.Name)) throw new ArgumentException($"vat name '{v.Name}' looks like a vat ID");
            if (!names.Add(v.Name)) throw new ArgumentException($"two static vats are named '{v.Name}'");
            if (config.EnableVatAdmin && v.Name == KernelConfig.VatAdminVatName) throw new ArgumentException($"the vat name '{v.Name}' is taken by the vat-admin vat");
            if (!config.Bundles.Contains(v.BundleName)) throw new ArgumentException($"vat '{v.Name}': no vat bundle named '{v.BundleName}'");
            if (v.VatParameters is { } vp)
            {
                if (!SmallCaps.IsWellFormed(vp.Body, vp.Slots.Length, out var problem)) throw new ArgumentException($"vat '{v.Name}': malformed vatParameters: {problem}");
                if (vp.Slots.Length > 0) throw new ArgumentException($"vat '{v.Name}': static vats' vatParameters cannot carry references");
            }
        }
    }

    /// <summary>Creates the static vats and queues their startVat events.</summary>
    public void Initialize(IReadOnlyList<StaticVatConfig> vats)
    {
        var K = Keeper;
        foreach (var v in vats)
        {
            var vatId = K.AllocateVatId();
            var root = _context.CreateVatHost(vatId, v.BundleName, v.EnablePipelining);
            K.PutVat(new VatRecord(vatId, v.Name, false, v.BundleName, v.EnablePipelining, KCapData.Of("#null"), root));
            K.AddStaticName(v.Name);
            _options.Listener?.VatCreated(vatId, v.Name, v.BundleName);
            var parameters = v.VatParameters ?? KCapData.Of("#null");
            K.SetVatParameters(vatId, parameters);
            var start = new StartVatEvent(vatId, parameters);
            foreach (var k in start.Krefs()) K.Incref(k);
            K.RunQueue.Enqueue(start);
        }
    }

    private void HostOp()
    {
        _engine.ThrowIfPanicked();
        if (_engine.Busy) throw new InvalidOperationException("a crank is running; host operations run between cranks");
    }

    /// <summary>Finds a live or terminated vat by name or ID.</summary>
    public VatRecord FindVat(string nameOrId)
    {
        var K = Keeper;
        if (K.Vat(nameOrId) is { } byId) return byId;
        foreach (var v in K.Vats) if (v.Name == nameOrId) return v;
        throw new ArgumentException($"no vat named '{nameOrId}'");
    }

    private VatRecord FindLiveVat(string nameOrId)
    {
        var v = FindVat(nameOrId);
        return v.Alive ? v : throw new ArgumentException($"vat '{nameOrId}' ({v.VatId}) has been terminated");
    }

    private void CheckCapData(KCapData data, string what)
    {
        if (data?.Body is null || data.Slots.IsDefault) throw new ArgumentException($"{what}: capdata is missing");
        if (!SmallCaps.IsWellFormed(data.Body, data.Slots.Length, out var problem)) throw new ArgumentException($"{what}: malformed capdata: {problem}");
        foreach (var s in data.Slots)
        {
            var exists = s.IsPromise ? Keeper.PromiseExists(s) : s.IsObject && Keeper.ObjectExists(s);
            if (!exists) throw new ArgumentException($"{what}: {s} does not exist");
        }
    }

    /// <summary>Queues <c>root~.method(...args)</c> on a vat's root object; returns the result promise.</summary>
    public Kref QueueToVatRoot(string vatName, KCapData methargs)
    {
        HostOp();
        var v = FindLiveVat(vatName);
        return QueueToKref(v.Root, methargs);
    }

    /// <summary>Queues a message to any kref; returns the result promise.</summary>
    public Kref QueueToKref(Kref target, KCapData methargs)
    {
        HostOp();
        CheckCapData(methargs, "methargs");
        if (!(methargs.Body.Length > 2 && SmallCaps.Decode(methargs.Body, methargs.Slots.Length) is List<object?> { Count: 2 } l && l[0] is string && l[1] is List<object?>))
            throw new ArgumentException("methargs must be [method, [args...]]");
        if (target.IsPromise ? !Keeper.PromiseExists(target) : !(target.IsObject && Keeper.ObjectExists(target)))
            throw new ArgumentException($"cannot send to {target}: it does not exist");
        var result = NewHostPromise();
        Keeper.Accept(new SendEvent(target, new KMessage(methargs, result)));
        return result;
    }

    private Kref NewHostPromise()
    {
        var kp = Keeper.AddPromise(null);
        Keeper.AddHostRef(kp);
        return kp;
    }

    /// <summary>Queues the creation of a dynamic vat; returns its ID and a promise for <c>{root, vatID}</c>.</summary>
    public (string VatId, Kref Result) QueueCreateVat(string bundleName, KCapData? vatParameters, bool enablePipelining)
    {
        HostOp();
        if (!Bundles.Contains(bundleName)) throw new ArgumentException($"no vat bundle named '{bundleName}'");
        var parameters = vatParameters ?? KCapData.Of("#null");
        CheckCapData(parameters, "vatParameters");
        var vatId = Keeper.AllocateVatId();
        var result = NewHostPromise();
        Keeper.RunQueue.Enqueue(Hold(new CreateVatEvent(vatId, bundleName, parameters, enablePipelining, result)));
        return (vatId, result);
    }

    /// <summary>Queues an upgrade (a run-queue event, ordered with everything else); returns a promise for <c>{incarnationNumber}</c>.</summary>
    public Kref QueueUpgradeVat(string vatName, string bundleName, KCapData? vatParameters, string upgradeMessage)
    {
        HostOp();
        var v = FindLiveVat(vatName);
        if (!Bundles.Contains(bundleName)) throw new ArgumentException($"no vat bundle named '{bundleName}'");
        ArgumentNullException.ThrowIfNull(upgradeMessage);
        var parameters = vatParameters ?? KCapData.Of("#null");
        CheckCapData(parameters, "vatParameters");
        var result = NewHostPromise();
        Keeper.RunQueue.Enqueue(Hold(new UpgradeVatEvent(v.VatId, bundleName, parameters, upgradeMessage, result)));
        return result;
    }

    /// <summary>Queues a vat's termination; the promise settles when it is done.</summary>
    public Kref QueueTerminateVat(string vatName, bool reject, KCapData reason)
    {
        HostOp();
        var v = FindLiveVat(vatName);
        CheckCapData(reason, "reason");
        if (reason.Slots.Length > 0) throw new ArgumentException("a termination reason cannot carry references");
        var result = NewHostPromise();
        Keeper.RunQueue.Enqueue(Hold(new TerminateVatEvent(v.VatId, reject, reason, result)));
        return result;
    }

    private KernelEvent Hold(KernelEvent e)
    {
        foreach (var k in e.Krefs()) Keeper.Incref(k);
        return e;
    }

    public PromiseStatus GetPromise(Kref kpid)
    {
        _engine.ThrowIfPanicked();
        if (!kpid.IsPromise) throw new ArgumentException($"{kpid} is not a promise");
        var p = Keeper.TryGetPromise(kpid) ?? throw new ArgumentException($"unknown promise {kpid}");
        return new PromiseStatus(kpid, p.State, p.RefCount, p.Decider, [.. p.Subscribers], p.Queue.Count, p.Data);
    }

    /// <summary>
    /// Begins the host session of a kernel recovered from storage, <paramref name="session"/> being the last committed
    /// block. The hosts of earlier sessions are gone (a previous process, or a previous kernel actor), so every
    /// reference they still held is released here, and end-of-crank GC runs: a promise only such a host held is
    /// deleted. The release is part of the next block; if the kernel stops before committing it, the next start
    /// does it again from the same state. Returns how many references were released.
    /// </summary>
    public long BeginHostSession(long session)
    {
        HostOp();
        var released = Keeper.BeginHostSession(session);
        Keeper.ProcessRefcounts();
        return released;
    }

    /// <summary>The host lets go of a promise it held; it is collected once nothing else refers to it.</summary>
    public void ReleasePromise(Kref kpid)
    {
        HostOp();
        if (!Keeper.ReleaseHostRef(kpid)) throw new ArgumentException($"this host session holds no reference to {kpid}");
        Keeper.ProcessRefcounts();
    }

    /// <summary>
    /// Keeps <paramref name="kref"/> (an existing object or promise) alive under <paramref name="name"/>, across kernel
    /// restarts, until <see cref="ReleaseDurableHold"/>. A name holds one reference; it cannot be taken twice.
    /// </summary>
    public void HoldDurably(string name, Kref kref)
    {
        HostOp();
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("a durable hold needs a name");
        if (Keeper.DurableHolds.TryGetValue(name, out var held)) throw new ArgumentException($"the durable hold '{name}' is taken (it holds {held})");
        if (kref.IsPromise ? !Keeper.PromiseExists(kref) : !(kref.IsObject && Keeper.ObjectExists(kref)))
            throw new ArgumentException($"cannot hold {kref}: it does not exist");
        Keeper.AddDurableHold(name, kref);
    }

    /// <summary>Lets go of a durable hold; what it held is collected once nothing else refers to it.</summary>
    public void ReleaseDurableHold(string name)
    {
        HostOp();
        if (!Keeper.ReleaseDurableHold(name)) throw new ArgumentException($"there is no durable hold named '{name}'");
        Keeper.ProcessRefcounts();
    }

    /// <summary>Every durable hold, by name.</summary>
    public IReadOnlyDictionary<string, Kref> GetDurableHolds()
    {
        _engine.ThrowIfPanicked();
        return new SortedDictionary<string, Kref>(Keeper.DurableHolds.ToDictionary(), StringComparer.Ordinal);
    }

    public VatInfo GetVatInfo(string nameOrId)
    {
        _engine.ThrowIfPanicked();
        var v = FindVat(nameOrId);
        Keeper.TerminationReasons.TryGetValue(v.VatId, out var t);
        return new VatInfo(v.VatId, v.Name, v.Dynamic, v.BundleName, v.Alive, t, v.Root);
    }

    public KernelStats GetStats()
    {
        var K = Keeper;
        var counters = Enum.GetValues<KernelStat>().ToDictionary(s => s, K.Stat);
        return new KernelStats(counters, K.CrankNumber, K.RunQueue.Length, K.AcceptanceQueue.Length, K.PromiseCount,
            K.ObjectCount, K.Vats.Count(v => v.Alive), K.TerminatedVats.Count, K.GcActions.Count);
    }

    /// <summary>The whole kernel state in SwingSet's kvStore schema, asking every live vat for its part.</summary>
    public async Task<SortedDictionary<string, string>> DumpAsync()
    {
        HostOp();
        var vatParts = new List<VatDumpReply>();
        foreach (var v in Keeper.LiveVatsInOrder())
            vatParts.Add(await _context.RequestAsync(v.VatId, new DumpVatRequest()).ConfigureAwait(false));
        return KernelStateRenderer.All(Keeper, vatParts);
    }

    // ---------------- remediation (docs/KERNEL-SEMANTICS.md section 7) ----------------

    /// <summary>
    /// Walks the promise part of every live vat's c-list and holds a notify (with its reference) in
    /// <c>upgradeEvents</c> for each settled promise that has no pending notify to that vat. Nothing runs until the
    /// host calls <see cref="InjectQueuedUpgradeEvents"/>.
    /// </summary>
    public async Task<RemediationReport> RemediateUpgradeLeaksAsync()
    {
        HostOp();
        return await _remediation.RemediateAsync().ConfigureAwait(false);
    }

    /// <summary>Moves the notifies remediation held onto the acceptance queue; returns how many.</summary>
    public int InjectQueuedUpgradeEvents()
    {
        HostOp();
        return Keeper.InjectUpgradeEvents();
    }

    /// <summary>
    /// Verified-claims repair: each alleged (vat, kpid) is checked (a live vat, a settled promise, in that vat's
    /// c-list, no notify to that vat pending or held) and only then repaired, with a notify on the acceptance queue.
    /// </summary>
    public async Task<IReadOnlyList<ClaimVerdict>> RepairClaimsAsync(IEnumerable<(string VatId, Kref Kpid)> claims)
    {
        HostOp();
        return await _remediation.RepairAsync(claims).ConfigureAwait(false);
    }
}

/// <summary>What a block commits: the kvStore writes, and the transcript items in the order the vats made them.</summary>
internal sealed record BlockDelta(List<KvWrite> Writes, List<TranscriptItem> Transcript);
