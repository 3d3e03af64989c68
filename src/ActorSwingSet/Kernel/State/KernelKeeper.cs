using ActorSwingSet.References;
using ActorSwingSet.Schema;

namespace ActorSwingSet.Kernel.State;

/// <summary>
/// The kernel's tables: objects, promises, the run-queue and acceptance queue, the GC-action set, the vat registry,
/// host-held references and counters. Pure state logic with no actors: every mutation goes through a method here,
/// which journals the prior value while a crank is open so <see cref="RollbackCrank"/> can restore it exactly.
/// Reference counting follows docs/KERNEL-SEMANTICS.md section 4; end-of-crank GC is <see cref="ProcessRefcounts"/>.
/// </summary>
internal sealed partial class KernelKeeper
{
    public const long FirstObjectId = 20;
    public const long FirstPromiseId = 40;
    public const long FirstVatId = 1;

    private readonly Dictionary<long, ObjectRow> _objects = [];
    // promise rows read or written since the kernel started; a null row is a promise known not to exist (deleted since
    // the last stored block, or asked for and not found). A promise not here is read from the committed store.
    private readonly Dictionary<long, PromiseRow?> _promises = [];
    private ICommittedKv? _committed;
    private long _promiseCount;
    // importers of objects already deleted, kept until each importer retires its entry (SwingSet asks the c-list)
    private readonly Dictionary<long, SortedSet<string>> _retiredImporters = [];
    private readonly Dictionary<string, VatRecord> _vats = new(StringComparer.Ordinal);
    private List<string> _staticNames = [];
    private List<string> _dynamicIds = [];
    private List<string> _terminated = [];
    private Dictionary<string, VatTermination> _terminationReasons = new(StringComparer.Ordinal);
    private SortedSet<GcAction> _gcActions = [];
    private List<string> _reapQueue = [];
    private SortedDictionary<long, SortedDictionary<Kref, long>> _hostRefs = [];
    private long[] _stats = new long[Enum.GetValues<KernelStat>().Length];

    public EventQueue RunQueue { get; } = new();
    public EventQueue AcceptanceQueue { get; } = new();

    public long NextObjectId { get; private set; } = FirstObjectId;
    public long NextPromiseId { get; private set; } = FirstPromiseId;
    public long NextVatId { get; private set; } = FirstVatId;
    public long CrankNumber { get; private set; }

    /// <summary>The kvStore schema version this state is in (see <see cref="KvKeys.CurrentVersion"/>).</summary>
    public string SchemaVersion { get; set; } = KvKeys.CurrentVersion;

    // ---- crank journal ----
    private List<Action>? _undo;
    private readonly HashSet<long> _touchedObjects = [];
    private readonly HashSet<long> _touchedPromises = [];
    private readonly HashSet<KernelList> _touchedLists = [];
    /// <summary>A point inside a crank to roll back to: the undo-log length and everything kept by value.</summary>
    private readonly record struct Savepoint(int UndoCount, int MaybeFree, EventQueue.Mark Run, EventQueue.Mark Accept,
        long NextObj, long NextKp, long NextVat, long Crank, long[] Stats);

    private Savepoint _crankStart;

    // krefs whose counts fell this crank, in first-seen order (processed until none remain)
    private readonly List<Kref> _maybeFree = [];
    private readonly HashSet<Kref> _maybeFreeSet = [];

    public void BeginCrank()
    {
        if (_undo is not null) throw new KernelPanicException("crank already open");
        _undo = [];
        _crankStart = Mark();
    }

    /// <summary>
    /// A savepoint inside the open crank. Rows touched before it are journalled afresh after it, so rolling back
    /// to it restores their state as of the savepoint.
    /// </summary>
    private Savepoint Mark()
    {
        if (_undo is null) throw new KernelPanicException("no crank is open");
        _touchedObjects.Clear();
        _touchedPromises.Clear();
        _touchedLists.Clear();
        return new Savepoint(_undo.Count, _maybeFree.Count, RunQueue.Save(), AcceptanceQueue.Save(), NextObjectId, NextPromiseId, NextVatId, CrankNumber, (long[])_stats.Clone());
    }

    /// <summary>Undo everything since <see cref="BeginCrank"/>; the crank stays open.</summary>
    public void RollbackCrank() => RollbackTo(_crankStart);

    /// <summary>Undo everything since <paramref name="point"/>; the crank stays open.</summary>
    private void RollbackTo(Savepoint point)
    {
        if (_undo is null) throw new KernelPanicException("no crank to roll back");
        for (var i = _undo.Count - 1; i >= point.UndoCount; i--) _undo[i]();
        _undo.RemoveRange(point.UndoCount, _undo.Count - point.UndoCount);
        _touchedObjects.Clear();
        _touchedPromises.Clear();
        _touchedLists.Clear();
        RunQueue.Restore(point.Run);
        AcceptanceQueue.Restore(point.Accept);
        NextObjectId = point.NextObj;
        NextPromiseId = point.NextKp;
        NextVatId = point.NextVat;
        CrankNumber = point.Crank;
        _stats = (long[])point.Stats.Clone();
        // krefs noted before the savepoint still need their end-of-crank look
        _maybeFree.RemoveRange(point.MaybeFree, _maybeFree.Count - point.MaybeFree);
        _maybeFreeSet.Clear();
        _maybeFreeSet.UnionWith(_maybeFree);
    }

    public void CommitCrank()
    {
        if (_undo is null) throw new KernelPanicException("no crank to commit");
        if (_maybeFree.Count > 0) throw new KernelPanicException("crank committed before end-of-crank GC");
        _undo = null;
        _touchedObjects.Clear();
        _touchedPromises.Clear();
        _touchedLists.Clear();
        RunQueue.Compact();
        AcceptanceQueue.Compact();
    }

    private void OnUndo(Action a) => _undo?.Add(a);

    private void TouchList<T>(KernelList name, Func<T> get, Action<T> set, Func<T, T> copy)
    {
        _blockLists.Add(name);
        if (_undo is null || !_touchedLists.Add(name)) return;
        var original = copy(get());
        OnUndo(() => set(original));
    }

    private PromiseRow MutPromise(long id)
    {
        _blockPromises.Add(id);
        var p = FindPromise(id) ?? throw new KernelPanicException($"reference to missing promise {Kref.Promise(id)}");
        if (_undo is not null && _touchedPromises.Add(id))
        {
            var original = p.Clone();
            OnUndo(() => _promises[id] = original);
        }
        return p;
    }

    private ObjectRow MutObject(long id)
    {
        _blockObjects.Add(id);
        var o = _objects[id];
        if (_undo is not null && _touchedObjects.Add(id))
        {
            var original = o.Clone();
            OnUndo(() => _objects[id] = original);
        }
        return o;
    }

    public void IncStat(KernelStat s, long by = 1) => _stats[(int)s] += by;
    public long Stat(KernelStat s) => _stats[(int)s];

    public void IncrementCrankNumber() => CrankNumber++;

    // ---- vats ----

    public VatRecord? Vat(string vatId) => _vats.GetValueOrDefault(vatId);
    public IEnumerable<VatRecord> Vats => _vats.Values;
    public IReadOnlyList<string> StaticNames => _staticNames;
    public IReadOnlyList<string> DynamicIds => _dynamicIds;
    public IReadOnlyList<string> TerminatedVats => _terminated;
    public IReadOnlyDictionary<string, VatTermination> TerminationReasons => _terminationReasons;
    public bool IsAlive(string vatId) => _vats.TryGetValue(vatId, out var v) && v.Alive;

    public string AllocateVatId()
    {
        var id = VatId.Of(NextVatId);
        NextVatId++;
        return id;
    }

    public void PutVat(VatRecord record)
    {
        _blockVats.Add(record.VatId);
        if (_undo is not null)
        {
            var had = _vats.TryGetValue(record.VatId, out var old);
            OnUndo(() =>
            {
                if (had) _vats[record.VatId] = old!;
                else _vats.Remove(record.VatId);
            });
        }
        _vats[record.VatId] = record;
    }

    public void AddStaticName(string name)
    {
        TouchList(KernelList.Names, () => _staticNames, v => _staticNames = v, v => [.. v]);
        _staticNames.Add(name);
    }

    public void AddDynamicId(string vatId)
    {
        TouchList(KernelList.Dynamic, () => _dynamicIds, v => _dynamicIds = v, v => [.. v]);
        _dynamicIds.Add(vatId);
    }

    /// <summary>Removes the vat from the live lists and records it (with why) among the terminated.</summary>
    public void MarkTerminated(string vatId, VatTermination reason)
    {
        var v = _vats[vatId];
        TouchList(KernelList.Names, () => _staticNames, x => _staticNames = x, x => [.. x]);
        TouchList(KernelList.Dynamic, () => _dynamicIds, x => _dynamicIds = x, x => [.. x]);
        TouchList(KernelList.Terminated, () => _terminated, x => _terminated = x, x => [.. x]);
        TouchList(KernelList.Reasons, () => _terminationReasons, x => _terminationReasons = x, x => new Dictionary<string, VatTermination>(x, StringComparer.Ordinal));
        if (v.Name is not null) _staticNames.Remove(v.Name);
        _dynamicIds.Remove(vatId);
        _terminated.Add(vatId);
        _terminationReasons[vatId] = reason;
        PutVat(v with { Alive = false });
    }

    // ---- host-held references, owned by the host session that took them ----

    /// <summary>
    /// The references the host holds, by the host session that took them (see <see cref="HostSession"/>); each kref
    /// with how many times that session holds it. Between host sessions the map holds at most the last one's. A copy
    /// of the outer map, over read-only views of the sessions' maps.
    /// </summary>
    public IReadOnlyDictionary<long, IReadOnlyDictionary<Kref, long>> HostRefs =>
        _hostRefs.ToDictionary(e => e.Key, e => (IReadOnlyDictionary<Kref, long>)e.Value);

    /// <summary>
    /// The host session running now: the number of the last committed block when this kernel started (0 for a new
    /// kernel or one without storage). A session that committed anything started from an earlier block than any
    /// session after it, so the ID is deterministic and no two sessions whose holds can meet in the state share it.
    /// </summary>
    public long HostSession { get; private set; }

    private void TouchHostRefs() =>
        TouchList(KernelList.Host, () => _hostRefs, x => _hostRefs = x,
            x => new SortedDictionary<long, SortedDictionary<Kref, long>>(x.ToDictionary(e => e.Key, e => new SortedDictionary<Kref, long>(e.Value))));

    /// <summary>The current host session takes one more reference to <paramref name="kref"/>.</summary>
    public void AddHostRef(Kref kref)
    {
        TouchHostRefs();
        if (!_hostRefs.TryGetValue(HostSession, out var mine)) _hostRefs[HostSession] = mine = [];
        mine[kref] = mine.GetValueOrDefault(kref) + 1;
        Incref(kref);
    }

    /// <summary>The current host session lets go of one reference to <paramref name="kref"/>; false if it holds none.</summary>
    public bool ReleaseHostRef(Kref kref)
    {
        if (!_hostRefs.TryGetValue(HostSession, out var mine) || !mine.TryGetValue(kref, out var n)) return false;
        TouchHostRefs();
        mine = _hostRefs[HostSession];
        if (n > 1) mine[kref] = n - 1;
        else if (mine.Remove(kref) && mine.Count == 0) _hostRefs.Remove(HostSession);
        Decref(kref);
        return true;
    }

    /// <summary>
    /// Starts host session <paramref name="session"/> and releases every reference an earlier session held (that
    /// host is gone: nothing could ever release them). Returns how many references were released; the caller runs
    /// end-of-crank GC (<see cref="ProcessRefcounts"/>) afterwards.
    /// </summary>
    public long BeginHostSession(long session)
    {
        HostSession = session;
        if (_hostRefs.Keys.All(owner => owner == session)) return 0;
        TouchHostRefs();
        long released = 0;
        foreach (var owner in _hostRefs.Keys.Where(owner => owner != session).ToList())
        {
            foreach (var (kref, n) in _hostRefs[owner])
            {
                for (var i = 0; i < n; i++) Decref(kref);
                released += n;
            }
            _hostRefs.Remove(owner);
        }
        return released;
    }

    // ---- durable holds: host references kept across restarts, by name ----

    private SortedDictionary<string, Kref> _durableHolds = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, Kref> DurableHolds => _durableHolds;

    private void TouchDurableHolds() =>
        TouchList(KernelList.DurableHolds, () => _durableHolds, x => _durableHolds = x, x => new SortedDictionary<string, Kref>(x, StringComparer.Ordinal));

    public void AddDurableHold(string name, Kref kref)
    {
        TouchDurableHolds();
        _durableHolds.Add(name, kref);
        Incref(kref);
    }

    public bool ReleaseDurableHold(string name)
    {
        if (!_durableHolds.TryGetValue(name, out var kref)) return false;
        TouchDurableHolds();
        _durableHolds.Remove(name);
        Decref(kref);
        return true;
    }

    // ---- pinned objects (SwingSet's pinnedObjects: each live vat's root) ----

    private SortedSet<Kref> _pinned = [];

    public IReadOnlyCollection<Kref> PinnedObjects => _pinned;

    /// <summary>Holds a kernel reference on the object for as long as it stays pinned.</summary>
    public void Pin(Kref ko)
    {
        TouchList(KernelList.Pinned, () => _pinned, x => _pinned = x, x => new SortedSet<Kref>(x));
        if (_pinned.Add(ko)) Incref(ko);
    }

    public void Unpin(Kref ko)
    {
        TouchList(KernelList.Pinned, () => _pinned, x => _pinned = x, x => new SortedSet<Kref>(x));
        if (_pinned.Remove(ko)) Decref(ko);
    }

    // ---- objects ----

    public bool ObjectExists(Kref ko) => _objects.ContainsKey(ko.Id);
    /// <summary>The object table, read-only, by object number.</summary>
    public IEnumerable<KeyValuePair<long, IKernelObject>> Objects => _objects.Select(e => KeyValuePair.Create(e.Key, (IKernelObject)e.Value));
    /// <summary>How many rows the object table has (without walking it, as <see cref="Objects"/> would).</summary>
    public int ObjectCount => _objects.Count;
    /// <summary>The object's row, read-only; null if there is no such object.</summary>
    public IKernelObject? GetObject(Kref ko) => _objects.GetValueOrDefault(ko.Id);

    public string? OwnerOf(Kref ko) => _objects.TryGetValue(ko.Id, out var o) ? o.Owner : null;

    /// <summary>The owner, if it is still alive (what message routing uses).</summary>
    public string? LiveOwnerOf(Kref ko) => OwnerOf(ko) is { } owner && IsAlive(owner) ? owner : null;

    public Kref AddObject(string owner)
    {
        var id = NextObjectId++;
        _objects[id] = new ObjectRow { Owner = owner };
        _blockObjects.Add(id);
        if (_undo is not null)
        {
            _touchedObjects.Add(id);
            OnUndo(() => _objects.Remove(id));
        }
        IncStat(KernelStat.ObjectsCreated);
        return Kref.Object(id);
    }

    private void DeleteObject(Kref ko)
    {
        var o = MutObject(ko.Id);
        _objects.Remove(ko.Id);
        if (o.Importers.Count > 0) SetRetiredImporters(ko.Id, new SortedSet<string>(o.Importers, StringComparer.Ordinal));
        IncStat(KernelStat.ObjectsDeleted);
    }

    private void SetRetiredImporters(long id, SortedSet<string>? set)
    {
        var had = _retiredImporters.TryGetValue(id, out var old);
        OnUndo(() =>
        {
            if (had) _retiredImporters[id] = old!;
            else _retiredImporters.Remove(id);
        });
        if (set is null || set.Count == 0) _retiredImporters.Remove(id);
        else _retiredImporters[id] = set;
    }

    /// <summary>Does <paramref name="vatId"/> still hold an import entry for <paramref name="ko"/>?</summary>
    public bool Imports(string vatId, Kref ko) =>
        _objects.TryGetValue(ko.Id, out var o) ? o.Importers.Contains(vatId)
        : _retiredImporters.TryGetValue(ko.Id, out var r) && r.Contains(vatId);

    /// <summary>The owner gives the object up (abandonExports, upgrade, termination): it is orphaned.</summary>
    public void OrphanObject(Kref ko, string oldOwner)
    {
        var o = MutObject(ko.Id);
        if (o.Owner != oldOwner) throw new InvalidOperationException($"export {ko} is not owned by {oldOwner}");
        o.Owner = null;
        o.OwnerReachable = false;
        AddMaybeFree(ko);
    }

    // ---- promises ----

    public bool PromiseExists(Kref kp) => FindPromise(kp.Id) is not null;

    /// <summary>
    /// The promise table, read-only, in promise-number order: the rows in memory and every other committed one, read
    /// from the committed store as the walk reaches it (a dump or an audit reads them all; a crank never walks them).
    /// </summary>
    public IEnumerable<KeyValuePair<long, IKernelPromise>> Promises
    {
        get
        {
            var ids = _promises.Where(e => e.Value is not null).Select(e => e.Key).ToHashSet();
            if (_committed is not null)
                foreach (var id in CommittedPromiseIds())
                    if (!_promises.ContainsKey(id)) ids.Add(id);
            foreach (var id in ids.Order())
                if (FindPromise(id) is { } p) yield return KeyValuePair.Create(id, (IKernelPromise)p);
        }
    }

    /// <summary>How many promises exist (kept as a count: most rows are not in memory).</summary>
    public long PromiseCount => _promiseCount;

    /// <summary>The promise's row, read-only; throws <see cref="KeyNotFoundException"/> if there is no such promise.</summary>
    public IKernelPromise GetPromise(Kref kp) => FindPromise(kp.Id) ?? throw new KeyNotFoundException($"unknown kernel promise {kp}");

    /// <summary>The promise's row, read-only; null if there is no such promise.</summary>
    public IKernelPromise? TryGetPromise(Kref kp) => FindPromise(kp.Id);

    /// <summary>
    /// The promise's row: the one in memory, or else the committed one, read once and kept (a crank changes rows in
    /// memory only, so a row not in memory is as the last stored block left it). Null when there is no such promise.
    /// </summary>
    private PromiseRow? FindPromise(long id)
    {
        if (_promises.TryGetValue(id, out var row)) return row;
        if (_committed is null || id >= NextPromiseId) return null;
        return _promises[id] = ReadPromise(_committed.ReadEntity(KvKeys.PromiseEntity(id)));
    }

    private void SetPromiseCount(long by)
    {
        _promiseCount += by;
        OnUndo(() => _promiseCount -= by);
    }

    public Kref AddPromise(string? decider)
    {
        var id = NextPromiseId++;
        _promises[id] = new PromiseRow { State = PromiseState.Unresolved, Decider = decider };
        _blockPromises.Add(id);
        if (_undo is not null)
        {
            _touchedPromises.Add(id);
            OnUndo(() => _promises.Remove(id));
        }
        SetPromiseCount(1);
        IncStat(KernelStat.PromisesCreated);
        return Kref.Promise(id);
    }

    public void SetDecider(Kref kp, string? decider)
    {
        var p = MutPromise(kp.Id);
        p.Decider = decider;
        p.Durable = false;
    }

    /// <summary>Marks an unresolved promise durable for its current decider (docs/KERNEL-SEMANTICS.md section 8).</summary>
    public void MarkDurable(Kref kp) => MutPromise(kp.Id).Durable = true;

    public void AddSubscriber(Kref kp, string vatId) => MutPromise(kp.Id).Subscribers.Add(vatId);

    public void AddMessageToPromiseQueue(Kref kp, KMessage msg)
    {
        var p = MutPromise(kp.Id);
        if (p.State != PromiseState.Unresolved) throw new KernelPanicException($"{kp} is {PromiseStateText.Of(p.State)}, cannot queue on it");
        p.Queue.Add(msg);
        p.QueueNextId++;
    }

    /// <summary>
    /// Moves every message queued on <paramref name="kp"/> back to the acceptance queue as a send to the promise
    /// itself (their references move with them), so each is routed afresh.
    /// </summary>
    public void RequeuePromiseMessages(Kref kp)
    {
        var p = MutPromise(kp.Id);
        foreach (var msg in p.Queue) AcceptanceQueue.Enqueue(new SendEvent(kp, msg));
        p.Queue.Clear();
        p.QueueNextId = 0;
    }

    /// <summary>Settles the promise: data slots gain a reference, queued messages are re-sent, subscribers are not touched here.</summary>
    public void SettlePromise(Kref kp, bool rejected, KCapData data)
    {
        foreach (var slot in data.Slots) Incref(slot);
        RequeuePromiseMessages(kp);
        var p = MutPromise(kp.Id);
        p.State = rejected ? PromiseState.Rejected : PromiseState.Fulfilled;
        p.Decider = null;
        p.Durable = false;
        p.Subscribers.Clear();
        p.Data = data;
        IncStat(rejected ? KernelStat.PromisesRejected : KernelStat.PromisesFulfilled);
    }

    // ---- reference counts ----

    /// <summary>A kernel-held reference (queue, resolution data, host): promises +1, objects reachable and recognizable +1.</summary>
    public void Incref(Kref kref)
    {
        if (kref.IsPromise)
        {
            MutPromiseRequired(kref).RefCount++;
        }
        else if (kref.IsObject)
        {
            var o = MutObjectRequired(kref);
            o.Reachable++;
            o.Recognizable++;
        }
    }

    /// <summary>Drops a kernel-held reference (see <see cref="Incref"/>).</summary>
    public void Decref(Kref kref)
    {
        if (kref.IsPromise)
        {
            var p = MutPromiseRequired(kref);
            if (p.RefCount <= 0) throw new KernelPanicException($"refCount underflow on {kref}");
            if (--p.RefCount == 0) AddMaybeFree(kref);
        }
        else if (kref.IsObject && _objects.ContainsKey(kref.Id))
        {
            var o = MutObject(kref.Id);
            o.Reachable--;
            o.Recognizable--;
            if (o.Reachable < 0 || o.Recognizable < 0) throw new KernelPanicException($"refCount underflow on {kref}");
            if (o.Reachable == 0 || o.Recognizable == 0) AddMaybeFree(kref);
        }
    }

    private PromiseRow MutPromiseRequired(Kref kp) => MutPromise(kp.Id);

    private ObjectRow MutObjectRequired(Kref ko) =>
        _objects.ContainsKey(ko.Id) ? MutObject(ko.Id) : throw new KernelPanicException($"reference to missing object {ko}");

    /// <summary>
    /// Applies one c-list change a vat reported: new exports enter the kernel tables (their krefs were allocated
    /// by the vat from the counters the delivery carried), entries count toward promises and imported objects,
    /// and the owner's reachable flag and the importer set are mirrored for GC.
    /// </summary>
    public void ApplyCListChange(string vatId, in CListChange c)
    {
        if (c.Kref.IsPromise) ApplyPromiseEntryChange(vatId, c);
        else if (!c.Kref.IsObject) throw new KernelPanicException($"device reference {c.Kref} in a vat c-list");
        else if (c.IsExport) ApplyExportEntryChange(vatId, c);
        else ApplyImportEntryChange(vatId, c);
    }

    /// <summary>A promise entry counts one reference while it exists; a promise the vat allocated enters the table.</summary>
    private void ApplyPromiseEntryChange(string vatId, in CListChange c)
    {
        var kref = c.Kref;
        switch (c.Kind)
        {
            case CListChangeKind.Added:
                if (c.IsExport && kref.Id >= NextPromiseId)
                {
                    if (kref.Id != NextPromiseId) throw new KernelPanicException($"{vatId} allocated {kref}, expected kp{NextPromiseId}");
                    AddPromise(vatId);
                }
                MutPromiseRequired(kref).RefCount++;
                break;
            case CListChangeKind.Removed:
                Decref(kref);
                break;
        }
    }

    /// <summary>
    /// The owner's export entry never counts; a new export enters the object table, and the entry's reachable flag
    /// is mirrored for the owner's dropExport.
    /// </summary>
    private void ApplyExportEntryChange(string vatId, in CListChange c)
    {
        var kref = c.Kref;
        switch (c.Kind)
        {
            case CListChangeKind.Added:
                if (kref.Id >= NextObjectId)
                {
                    if (kref.Id != NextObjectId) throw new KernelPanicException($"{vatId} allocated {kref}, expected ko{NextObjectId}");
                    AddObject(vatId);
                }
                else if (OwnerOf(kref) != vatId)
                {
                    throw new KernelPanicException($"{vatId} re-exported {kref} which it does not own");
                }
                break;
            case CListChangeKind.Reachable:
            case CListChangeKind.Unreachable:
                if (_objects.ContainsKey(kref.Id) && OwnerOf(kref) == vatId)
                    MutObject(kref.Id).OwnerReachable = c.Kind == CListChangeKind.Reachable;
                break;
        }
    }

    /// <summary>
    /// An import entry counts toward the object's recognizable count while it exists and toward its reachable count
    /// while flagged reachable; its vat is one of the object's importers (kept for a deleted object until the vat
    /// retires the entry).
    /// </summary>
    private void ApplyImportEntryChange(string vatId, in CListChange c)
    {
        var kref = c.Kref;
        switch (c.Kind)
        {
            case CListChangeKind.Added:
                {
                    var o = MutObjectRequired(kref);
                    o.Recognizable++;
                    o.Importers.Add(vatId);
                    break;
                }
            case CListChangeKind.Reachable:
                MutObjectRequired(kref).Reachable++;
                break;
            case CListChangeKind.Unreachable:
                if (_objects.ContainsKey(kref.Id))
                {
                    var o = MutObject(kref.Id);
                    if (--o.Reachable == 0) AddMaybeFree(kref);
                }
                break;
            case CListChangeKind.Removed:
                RemoveImporter(vatId, kref);
                break;
        }
    }

    /// <summary>The vat's import entry is gone: one recognizer fewer, or one retired importer fewer for a deleted object.</summary>
    private void RemoveImporter(string vatId, Kref kref)
    {
        if (_objects.ContainsKey(kref.Id))
        {
            var o = MutObject(kref.Id);
            o.Importers.Remove(vatId);
            o.Recognizable--;
            if (o.Reachable == 0 || o.Recognizable == 0) AddMaybeFree(kref);
        }
        else if (_retiredImporters.TryGetValue(kref.Id, out var r) && r.Contains(vatId))
        {
            var rest = new SortedSet<string>(r, StringComparer.Ordinal);
            rest.Remove(vatId);
            SetRetiredImporters(kref.Id, rest);
        }
    }

    private void AddMaybeFree(Kref kref)
    {
        if (_maybeFreeSet.Add(kref)) _maybeFree.Add(kref);
    }

    /// <summary>
    /// End-of-crank GC: a promise whose count reached 0 is deleted (its data slots released); an object no longer
    /// reachable earns its owner a dropExport, no longer recognizable a retireExport; an orphaned object at 0 is
    /// deleted, its importers told to retire it. Runs until no kref is left to look at.
    /// </summary>
    public void ProcessRefcounts()
    {
        for (var i = 0; i < _maybeFree.Count; i++)
        {
            var kref = _maybeFree[i];
            _maybeFreeSet.Remove(kref);
            if (kref.IsPromise)
            {
                if (FindPromise(kref.Id) is not { RefCount: 0 } p) continue;
                MutPromise(kref.Id);
                _promises[kref.Id] = null;
                SetPromiseCount(-1);
                IncStat(KernelStat.PromisesDeleted);
                // each queued message holds a reference to its target promise, so a promise at 0 has an empty queue
                if (p.Queue.Count > 0) throw new KernelPanicException($"{kref} reached refCount 0 with {p.Queue.Count} queued message(s)");
                if (p.State != PromiseState.Unresolved && p.Data is { } data)
                    foreach (var slot in data.Slots) Decref(slot);
                continue;
            }
            if (!_objects.TryGetValue(kref.Id, out var o) || o.Reachable != 0) continue;
            if (o.Owner is { } owner && IsAlive(owner))
            {
                if (o.OwnerReachable) AddGcAction(new GcAction(owner, GcActionKind.DropExport, kref));
                if (o.Recognizable == 0) AddGcAction(new GcAction(owner, GcActionKind.RetireExport, kref));
            }
            else
            {
                if (o.Recognizable > 0) RetireObjects([kref]);
                else DeleteObject(kref);
            }
        }
        _maybeFree.Clear();
        _maybeFreeSet.Clear();
    }

    /// <summary>Deletes the objects and queues a retireImport for each vat that still imports them.</summary>
    public void RetireObjects(IEnumerable<Kref> krefs)
    {
        foreach (var ko in krefs)
        {
            if (!_objects.TryGetValue(ko.Id, out var o)) continue;
            foreach (var importer in o.Importers) AddGcAction(new GcAction(importer, GcActionKind.RetireImport, ko));
            DeleteObject(ko);
        }
    }

    // ---- GC actions and reaping ----

    /// <summary>The pending GC actions, in their stored order.</summary>
    public IReadOnlyCollection<GcAction> GcActions => _gcActions;

    private void TouchGcActions() =>
        TouchList(KernelList.Gc, () => _gcActions, x => _gcActions = x, x => new SortedSet<GcAction>(x));

    private void AddGcAction(GcAction action)
    {
        TouchGcActions();
        _gcActions.Add(action);
    }

    /// <summary>
    /// SwingSet's processGCActionSet: picks the first vat (in ID text order) and the highest-priority action type
    /// with work still warranted, removing every action it examined. Returns the delivery, or null with
    /// <paramref name="negated"/> set when actions were removed but none warranted a delivery.
    /// </summary>
    public GcEvent? NextGcEvent(out bool negated)
    {
        negated = false;
        if (_gcActions.Count == 0) return null;
        TouchGcActions();
        // by vat in ID text order, then by kind in priority order (the enum's)
        var byVat = new SortedDictionary<string, SortedDictionary<GcActionKind, List<GcAction>>>(StringComparer.Ordinal);
        foreach (var action in _gcActions)
        {
            if (!byVat.TryGetValue(action.VatId, out var byKind)) byVat[action.VatId] = byKind = [];
            if (!byKind.TryGetValue(action.Kind, out var list)) byKind[action.Kind] = list = [];
            list.Add(action);
        }
        foreach (var (vatId, byKind) in byVat)
        {
            foreach (var (kind, actions) in byKind)
            {
                var krefs = new List<Kref>();
                foreach (var action in actions)
                {
                    if (ShouldProcess(action)) krefs.Add(action.Kref);
                    _gcActions.Remove(action);
                }
                if (krefs.Count > 0)
                {
                    krefs.Sort();
                    return new GcEvent(DeliveryOf(kind), vatId, krefs);
                }
                negated = true;
            }
        }
        return null;
    }

    private static GcDeliveryKind DeliveryOf(GcActionKind kind) => kind switch
    {
        GcActionKind.DropExport => GcDeliveryKind.DropExports,
        GcActionKind.RetireExport => GcDeliveryKind.RetireExports,
        _ => GcDeliveryKind.RetireImports,
    };

    private bool ShouldProcess(GcAction action)
    {
        var (vatId, kind, kref) = action;
        if (!IsAlive(vatId)) return false;
        var o = GetObject(kref);
        return kind switch
        {
            GcActionKind.DropExport => o is not null && o.Reachable == 0 && o.Owner == vatId && o.OwnerReachable,
            GcActionKind.RetireExport => o is not null && o.Reachable == 0 && o.Recognizable == 0 && o.Owner == vatId,
            _ => Imports(vatId, kref),
        };
    }

    /// <summary>Deletes the objects a retireExports delivery announces (before the delivery, as SwingSet does).</summary>
    public void DeleteRetiredExports(IEnumerable<Kref> krefs)
    {
        foreach (var ko in krefs) if (_objects.ContainsKey(ko.Id)) DeleteObject(ko);
    }

    public IReadOnlyList<string> ReapQueue => _reapQueue;

    /// <summary>Counts a delivery toward the vat's reap interval; schedules a bringOutYourDead when it is reached.</summary>
    public void AddReapDirt(string vatId, long reapInterval)
    {
        var v = _vats[vatId];
        var dirt = v.ReapDirt + 1;
        if (reapInterval > 0 && dirt >= reapInterval && !_reapQueue.Contains(vatId))
        {
            TouchList(KernelList.Reap, () => _reapQueue, x => _reapQueue = x, x => [.. x]);
            _reapQueue.Add(vatId);
        }
        PutVat(v with { ReapDirt = dirt });
    }

    /// <summary>A bringOutYourDead was delivered: the vat starts counting afresh.</summary>
    public void ClearReapDirt(string vatId)
    {
        if (_vats[vatId].ReapDirt != 0) PutVat(_vats[vatId] with { ReapDirt = 0 });
    }

    public string? NextReap()
    {
        if (_reapQueue.Count == 0) return null;
        TouchList(KernelList.Reap, () => _reapQueue, x => _reapQueue = x, x => [.. x]);
        var v = _reapQueue[0];
        _reapQueue.RemoveAt(0);
        return v;
    }

    // ---- events held until the host injects them (remediation) ----

    private List<KernelEvent> _upgradeEvents = [];

    public IReadOnlyList<KernelEvent> UpgradeEvents => _upgradeEvents;

    /// <summary>Holds an event (and a reference on each kref it names) until <see cref="InjectUpgradeEvents"/>.</summary>
    public void HoldUpgradeEvent(KernelEvent e)
    {
        TouchList(KernelList.UpgradeEvents, () => _upgradeEvents, x => _upgradeEvents = x, x => [.. x]);
        foreach (var k in e.Krefs()) Incref(k);
        _upgradeEvents.Add(e);
    }

    /// <summary>Moves the held events to the acceptance queue; their references move with them.</summary>
    public int InjectUpgradeEvents()
    {
        TouchList(KernelList.UpgradeEvents, () => _upgradeEvents, x => _upgradeEvents = x, x => [.. x]);
        foreach (var e in _upgradeEvents) AcceptanceQueue.Enqueue(e);
        var n = _upgradeEvents.Count;
        _upgradeEvents.Clear();
        return n;
    }

    // ---- queues ----

    /// <summary>Queues an event on the acceptance queue, taking a reference on every kref it names.</summary>
    public void Accept(KernelEvent e)
    {
        foreach (var k in e.Krefs()) Incref(k);
        AcceptanceQueue.Enqueue(e);
    }

    /// <summary>Drops the references an event held (it was delivered, or went splat).</summary>
    public void ReleaseEvent(KernelEvent e)
    {
        foreach (var k in e.Krefs()) Decref(k);
    }
}
