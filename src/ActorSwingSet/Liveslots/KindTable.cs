using System.Globalization;
using System.Text.Json;
using ActorSwingSet.References;
using ActorSwingSet.Vats;

namespace ActorSwingSet.Liveslots;

/// <summary>
/// Virtual and durable kinds: their descriptors (<c>vom.dkind.K</c> / <c>vom.vkind.K</c>: tag and next instance
/// number), their instances' state (<c>vom.o+dK/I</c>) and the in-memory representatives, made on demand and held
/// weakly. A durable kind is found again by its tag in each incarnation; virtual kinds end with the incarnation.
/// Built from the vatstore, the marshaller (instance state is stored data), the kind-number allocator, the export
/// table (representatives are remotable) and the collector's candidate set (each new instance is one).
/// </summary>
internal sealed class KindTable(VatStore store, Marshaller marshaller, Func<long> nextKindId, ExportTable exports, GcCandidates candidates)
{
    internal sealed class KindInfo(KindTable owner, long id, string tag, bool durable, long nextInstance)
    {
        public KindTable Owner { get; } = owner;
        public long Id { get; } = id;
        public string Tag { get; } = tag;
        public bool Durable { get; } = durable;
        public long NextInstance { get; set; } = nextInstance;
        public Func<ObjectState, object>? Behavior { get; set; }
        public string DescriptorKey => (Durable ? "vom.dkind." : "vom.vkind.") + Id.ToString(CultureInfo.InvariantCulture);
        public string VrefPrefix => (Durable ? "o+d" : "o+v") + Id.ToString(CultureInfo.InvariantCulture) + "/";
    }

    private sealed record Descriptor(string Tag, long NextId);

    private readonly Dictionary<long, KindInfo> _byId = [];
    private readonly Dictionary<string, KindInfo> _durableByTag = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WeakReference<object>> _reps = new(StringComparer.Ordinal);

    /// <summary>Virtual kinds of this same incarnation, when its code is rebuilt after a kernel restart: re-bound by tag.</summary>
    private readonly Dictionary<string, Queue<KindInfo>> _virtualByTag = new(StringComparer.Ordinal);

    /// <summary>
    /// Reads the durable kinds earlier incarnations defined (they must be defined again). When the incarnation
    /// continues after a kernel restart (<paramref name="sameIncarnation"/>), its virtual kinds are read too, so
    /// defining them again, in the same order, re-binds their instances.
    /// </summary>
    public void Load(bool sameIncarnation)
    {
        if (sameIncarnation)
        {
            foreach (var key in store.KeysWithPrefix("vom.vkind.").OrderBy(k => long.Parse(k["vom.vkind.".Length..], CultureInfo.InvariantCulture)))
            {
                var d = JsonSerializer.Deserialize<Descriptor>(store.Get(key)!, JsonSerializerOptions.Web)!;
                var id = long.Parse(key["vom.vkind.".Length..], CultureInfo.InvariantCulture);
                var info = new KindInfo(this, id, d.Tag, false, d.NextId);
                _byId[id] = info;
                if (!_virtualByTag.TryGetValue(d.Tag, out var q)) _virtualByTag[d.Tag] = q = new Queue<KindInfo>();
                q.Enqueue(info);
            }
        }
        foreach (var key in store.KeysWithPrefix("vom.dkind."))
        {
            var d = JsonSerializer.Deserialize<Descriptor>(store.Get(key)!, JsonSerializerOptions.Web)!;
            var id = long.Parse(key["vom.dkind.".Length..], CultureInfo.InvariantCulture);
            var info = new KindInfo(this, id, d.Tag, true, d.NextId);
            _byId[id] = info;
            _durableByTag[d.Tag] = info;
        }
    }

    /// <summary>Deletes what virtual kinds of an earlier incarnation left: their instances were abandoned.</summary>
    public void DeleteVirtualLeftovers()
    {
        foreach (var key in store.KeysWithPrefix("vom.o+v")) marshaller.DeleteStored(key);
        foreach (var key in store.KeysWithPrefix("vom.es.o+v")) store.Delete(key);
        foreach (var key in store.KeysWithPrefix("vom.vkind.")) store.Delete(key);
    }

    public Kind<T> Define<T>(string tag, Func<ObjectState, T> behavior, bool durable) where T : class
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        ArgumentNullException.ThrowIfNull(behavior);
        KindInfo info;
        if (durable && _durableByTag.TryGetValue(tag, out var existing))
        {
            if (existing.Behavior is not null) throw new ArgumentException($"durable kind '{tag}' is already defined in this incarnation");
            info = existing;
        }
        else if (!durable && _virtualByTag.TryGetValue(tag, out var waiting) && waiting.TryDequeue(out var rebound))
        {
            info = rebound;
        }
        else
        {
            info = new KindInfo(this, nextKindId(), tag, durable, 1);
            _byId[info.Id] = info;
            if (durable) _durableByTag[tag] = info;
            SaveDescriptor(info);
        }
        info.Behavior = state => behavior(state);
        return new Kind<T>(info);
    }

    /// <summary>Every durable kind an earlier incarnation defined must have been defined again by now.</summary>
    public void CheckDurableKindsDefined()
    {
        var missing = _durableByTag.Values.Where(k => k.Behavior is null).Select(k => k.Tag).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException($"durable kind(s) {string.Join(", ", missing.Select(t => "'" + t + "'"))} not defined by the new incarnation");
    }

    private void SaveDescriptor(KindInfo info) =>
        store.Set(info.DescriptorKey, JsonSerializer.Serialize(new Descriptor(info.Tag, info.NextInstance), JsonSerializerOptions.Web));

    public object Make(KindInfo info, IReadOnlyDictionary<string, object?> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var vref = info.VrefPrefix + info.NextInstance.ToString(CultureInfo.InvariantCulture);
        var fields = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (k, v) in state) fields[k] = v;
        SaveState(vref, fields, info.Durable);
        info.NextInstance++;
        SaveDescriptor(info);
        candidates.MaybeDead(vref);
        var os = new ObjectState(this, vref, info.Durable);
        os.Reset(fields);
        return Represent(info, vref, os);
    }

    private object Represent(KindInfo info, string vref, ObjectState state)
    {
        var rep = info.Behavior!(state);
        exports.AddRepresentative(rep, vref, info.Tag);
        _reps[vref] = new WeakReference<object>(rep);
        return rep;
    }

    /// <summary>
    /// The representative for <paramref name="vref"/>, made anew if memory no longer holds one. The state is read
    /// through the state cache first, every time, so which vatstore reads a delivery makes never depends on whether
    /// the garbage collector has taken a representative.
    /// </summary>
    public object Representative(string vref)
    {
        var info = KindOf(vref) ?? throw new InvalidOperationException($"{vref} belongs to a kind this incarnation has not defined");
        if (info.Behavior is null) throw new InvalidOperationException($"{vref}: kind '{info.Tag}' is not defined in this incarnation");
        var fields = LoadState(vref);
        if (_reps.TryGetValue(vref, out var w) && w.TryGetTarget(out var rep)) return rep;
        var state = new ObjectState(this, vref, info.Durable);
        state.Reset(fields);
        return Represent(info, vref, state);
    }

    public bool HoldsRepresentatives => _reps.Count > 0;

    public bool RepresentativeAlive(string vref) => _reps.TryGetValue(vref, out var w) && w.TryGetTarget(out _);

    public void ForgetRepresentative(string vref) => _reps.Remove(vref);

    private KindInfo? KindOf(string vref)
    {
        var slash = vref.IndexOf('/');
        return slash > 3 && long.TryParse(vref.AsSpan(3, slash - 3), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? _byId.GetValueOrDefault(id) : null;
    }

    // the most recently used instance states, by count (so what is cached is deterministic, unlike weak references)
    private const int StateCacheSize = 1024;
    private readonly Dictionary<string, LinkedListNode<(string Vref, SortedDictionary<string, object?> Fields)>> _stateCache = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Vref, SortedDictionary<string, object?> Fields)> _stateOrder = new();

    public SortedDictionary<string, object?> LoadState(string vref)
    {
        if (_stateCache.TryGetValue(vref, out var node))
        {
            _stateOrder.Remove(node);
            _stateOrder.AddFirst(node);
            return node.Value.Fields;
        }
        var raw = store.Get("vom." + vref) ?? throw new InvalidOperationException($"{vref} no longer exists");
        var fields = marshaller.ReadStored(raw) as SortedDictionary<string, object?>
            ?? throw new InvalidOperationException($"{vref}: stored state is not a record");
        Cache(vref, fields);
        return fields;
    }

    public void SaveState(string vref, SortedDictionary<string, object?> fields, bool durable)
    {
        marshaller.WriteStored("vom." + vref, fields, durable);
        Cache(vref, fields);
    }

    /// <summary>The instance's state was deleted.</summary>
    public void ForgetState(string vref)
    {
        if (_stateCache.Remove(vref, out var node)) _stateOrder.Remove(node);
    }

    private void Cache(string vref, SortedDictionary<string, object?> fields)
    {
        ForgetState(vref);
        _stateCache[vref] = _stateOrder.AddFirst((vref, fields));
        if (_stateOrder.Count > StateCacheSize)
        {
            _stateCache.Remove(_stateOrder.Last!.Value.Vref);
            _stateOrder.RemoveLast();
        }
    }

    public static bool IsKindVref(string vref) => VrefInfo.TryParse(vref, out var i) && (i.IsDurable || i.IsVirtual);
}
