using System.Globalization;
using System.Text.Json;
using ActorSwingSet.Schema;

namespace ActorSwingSet.Kernel.State;

/// <summary>Rebuilding the kernel's tables from state in the kvStore schema (the inverse of <see cref="KernelStateRenderer"/>).</summary>
internal sealed partial class KernelKeeper
{
    /// <summary>
    /// Loads the kernel's part of a kvStore-schema state. The GC mirrors (owner reachable flags, importers) are
    /// derived from the vats' c-list keys in the same state. Throws <see cref="FormatException"/> on state it
    /// cannot read, or of another schema version.
    /// </summary>
    public static KernelKeeper Load(IReadOnlyDictionary<string, string> kv, string expectedVersion = KvKeys.CurrentVersion)
    {
        var k = LoadScalars(kv, CheckVersion(kv, expectedVersion));
        k.LoadLists(kv);
        k.LoadHostHolds(kv);
        var queues = k.LoadEntities(kv);
        k.LoadQueues(kv, queues);
        k.LoadVats(kv);
        k.LoadGcMirrors(kv);
        k.MarkCommitted();
        return k;
    }

    private static string Req(IReadOnlyDictionary<string, string> kv, string key) =>
        kv.TryGetValue(key, out var v) ? v : throw new FormatException($"state lacks '{key}'");

    private static long Num(string s) => long.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);

    private static T Json<T>(string s) => JsonSerializer.Deserialize<T>(s) ?? throw new FormatException($"bad JSON: {s}");

    private static string CheckVersion(IReadOnlyDictionary<string, string> kv, string expectedVersion)
    {
        var version = Req(kv, KvKeys.Version);
        if (version != expectedVersion)
        {
            throw new FormatException(version == KvKeys.LeakyVersion && expectedVersion == KvKeys.CurrentVersion
                ? "the stored state has schema version 2 (written with the #9039 upgrade leak); run `swingset upgrade-state --db FILE` once to repair and upgrade it"
                : $"the stored state has schema version {version}; this kernel reads version {expectedVersion}");
        }
        return version;
    }

    private static KernelKeeper LoadScalars(IReadOnlyDictionary<string, string> kv, string version)
    {
        var k = new KernelKeeper
        {
            SchemaVersion = version,
            CrankNumber = Num(Req(kv, KvKeys.CrankNumber)),
            NextVatId = Num(Req(kv, KvKeys.NextVatId)),
            NextObjectId = Num(Req(kv, KvKeys.NextObjectId)),
            NextPromiseId = Num(Req(kv, KvKeys.NextPromiseId)),
        };
        foreach (var (name, value) in Json<Dictionary<string, long>>(Req(kv, KvKeys.KernelStats)))
            if (Enum.TryParse<KernelStat>(name, out var stat)) k._stats[(int)stat] = value;
        return k;
    }

    private void LoadLists(IReadOnlyDictionary<string, string> kv)
    {
        _staticNames = Json<List<string>>(Req(kv, KvKeys.VatNames));
        _dynamicIds = Json<List<string>>(Req(kv, KvKeys.DynamicVatIds));
        _terminated = Json<List<string>>(Req(kv, KvKeys.TerminatedVats));
        _gcActions = [.. Json<string[]>(Req(kv, KvKeys.GcActions)).Select(GcAction.Parse)];
        _reapQueue = Json<List<string>>(Req(kv, KvKeys.ReapQueue));
        foreach (var ko in Req(kv, KvKeys.PinnedObjects).Split(',', StringSplitOptions.RemoveEmptyEntries)) _pinned.Add(Kref.Parse(ko));
        if (kv.TryGetValue(KvKeys.UpgradeEvents, out var held))
        {
            using var doc = JsonDocument.Parse(held);
            foreach (var e in doc.RootElement.EnumerateArray()) _upgradeEvents.Add(EventJson.ReadEvent(e.GetRawText()));
        }
    }

    private void LoadHostHolds(IReadOnlyDictionary<string, string> kv)
    {
        if (kv.TryGetValue(KvKeys.HostRefs, out var hostRefs))
            foreach (var (owner, kref, n) in HostRefsJson.Read(hostRefs))
            {
                if (!_hostRefs.TryGetValue(owner, out var owned)) _hostRefs[owner] = owned = [];
                owned[Kref.Parse(kref)] = n;
            }
        if (kv.TryGetValue(KvKeys.DurableHolds, out var durable))
            foreach (var (name, kref) in Json<Dictionary<string, string>>(durable)) _durableHolds[name] = Kref.Parse(kref);
    }

    /// <summary>
    /// One pass over every "ENTITY.FIELD" key: objects, promises (with the messages queued on them), termination
    /// reasons, and the entries of the kernel's queues, which it returns by queue name.
    /// </summary>
    private Dictionary<string, SortedDictionary<long, KernelEvent>> LoadEntities(IReadOnlyDictionary<string, string> kv)
    {
        var promiseQueues = new Dictionary<long, SortedDictionary<long, KMessage>>();
        var queues = KvKeys.Queues.ToDictionary(q => q, _ => new SortedDictionary<long, KernelEvent>(), StringComparer.Ordinal);
        foreach (var (key, value) in kv)
        {
            if (!KvKeys.TrySplit(key, out var head, out var rest)) continue;
            if (queues.TryGetValue(head, out var q) && rest.All(char.IsAsciiDigit)) q[Num(rest)] = EventJson.ReadEvent(value);
            else if (key.StartsWith(KvKeys.TerminationReasonPrefix, StringComparison.Ordinal)) LoadTerminationReason(key[KvKeys.TerminationReasonPrefix.Length..], value);
            else if (!Kref.TryParse(head, out var kref)) continue;
            else if (kref.IsObject) LoadObjectField(kref.Id, rest, value);
            else LoadPromiseField(kref.Id, key, rest, value, promiseQueues);
        }
        foreach (var (id, pq) in promiseQueues) _promises[id].Queue.AddRange(pq.Values);
        return queues;
    }

    private void LoadTerminationReason(string vatId, string value)
    {
        using var doc = JsonDocument.Parse(value);
        _terminationReasons[vatId] = new VatTermination(doc.RootElement.GetProperty("isFailure").GetBoolean(), doc.RootElement.GetProperty("info").GetString()!);
    }

    private void LoadObjectField(long id, string field, string value)
    {
        var o = _objects.TryGetValue(id, out var existing) ? existing : _objects[id] = new ObjectRow();
        if (field == KvKeys.Field.Owner) o.Owner = value;
        else if (field == KvKeys.Field.RefCount)
        {
            var parts = value.Split(',');
            (o.Reachable, o.Recognizable) = (Num(parts[0]), Num(parts[1]));
        }
    }

    private void LoadPromiseField(long id, string key, string field, string value, Dictionary<long, SortedDictionary<long, KMessage>> promiseQueues)
    {
        var p = _promises.TryGetValue(id, out var ep) ? ep : _promises[id] = new PromiseRow();
        switch (field)
        {
            case KvKeys.Field.State:
                p.State = PromiseStateText.TryParse(value, out var state) ? state : throw new FormatException($"{key} = {value}");
                break;
            case KvKeys.Field.RefCount: p.RefCount = Num(value); break;
            case KvKeys.Field.Decider: p.Decider = value.Length == 0 ? null : value; break;
            case KvKeys.Field.Durable: p.Durable = value == "1"; break;
            case KvKeys.Field.Subscribers: foreach (var v in value.Split(',', StringSplitOptions.RemoveEmptyEntries)) p.Subscribers.Add(v); break;
            case KvKeys.Field.QueueNextId: p.QueueNextId = Num(value); break;
            case KvKeys.Field.DataBody: p.Data = new KCapData(value, p.Data?.Slots ?? []); break;
            case KvKeys.Field.DataSlots: p.Data = new KCapData(p.Data?.Body ?? "", [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Kref.Parse)]); break;
            default:
                if (field.StartsWith(KvKeys.Field.QueuePrefix, StringComparison.Ordinal))
                {
                    if (!promiseQueues.TryGetValue(id, out var pq)) promiseQueues[id] = pq = [];
                    pq[Num(field[KvKeys.Field.QueuePrefix.Length..])] = EventJson.ReadMessage(value);
                }
                break;
        }
    }

    private void LoadQueues(IReadOnlyDictionary<string, string> kv, Dictionary<string, SortedDictionary<long, KernelEvent>> queues)
    {
        foreach (var (name, q) in queues)
        {
            var bounds = Json<long[]>(Req(kv, name));
            (name == KvKeys.RunQueue ? RunQueue : AcceptanceQueue).Load(bounds[0], bounds[1], q.Values);
        }
    }

    /// <summary>The vat registry: each live vat's record, and a tombstone for each terminated one.</summary>
    private void LoadVats(IReadOnlyDictionary<string, string> kv)
    {
        var names = kv.Where(e => e.Key.StartsWith(KvKeys.VatNamePrefix, StringComparison.Ordinal))
            .ToDictionary(e => e.Value, e => e.Key[KvKeys.VatNamePrefix.Length..], StringComparer.Ordinal);
        foreach (var vatId in names.Keys.Concat(_dynamicIds))
        {
            using var options = JsonDocument.Parse(Req(kv, KvKeys.VatOptions(vatId)));
            using var source = JsonDocument.Parse(Req(kv, KvKeys.VatSource(vatId)));
            using var dirt = JsonDocument.Parse(Req(kv, KvKeys.VatReapDirt(vatId)));
            _vats[vatId] = new VatRecord(vatId, names.GetValueOrDefault(vatId), _dynamicIds.Contains(vatId),
                source.RootElement.GetProperty("bundleName").GetString()!, options.RootElement.GetProperty("enablePipelining").GetBoolean(),
                EventJson.ReadCapData(Req(kv, KvKeys.VatParameters(vatId))), Kref.Parse(options.RootElement.GetProperty("root").GetString()!),
                ReapDirt: dirt.RootElement.GetProperty("deliveries").GetInt64());
        }
        foreach (var vatId in _terminated)
            _vats[vatId] = new VatRecord(vatId, null, false, "", false, KCapData.Of("#null"), default, Alive: false);
    }

    /// <summary>The GC mirrors, from the vats' c-list keys for objects: owners' reachable flags and importers.</summary>
    private void LoadGcMirrors(IReadOnlyDictionary<string, string> kv)
    {
        foreach (var (key, value) in kv)
        {
            if (!KvKeys.TryParseCListObjectKey(key, out var vatId, out var ko) || !KvKeys.TryParseCListKrefValue(value, out var reachable, out _)) continue;
            var export = KvKeys.IsExportValue(value);
            if (_objects.TryGetValue(ko.Id, out var o))
            {
                if (export && o.Owner == vatId) o.OwnerReachable = reachable;
                else if (!export) o.Importers.Add(vatId);
            }
            else if (!export)
            {
                if (!_retiredImporters.TryGetValue(ko.Id, out var set)) _retiredImporters[ko.Id] = set = new SortedSet<string>(StringComparer.Ordinal);
                set.Add(vatId);
            }
        }
    }
}
