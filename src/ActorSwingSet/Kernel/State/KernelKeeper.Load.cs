using System.Globalization;
using System.Text.Json;
using ActorSwingSet.References;
using ActorSwingSet.Schema;

namespace ActorSwingSet.Kernel.State;

/// <summary>Rebuilding the kernel's tables from state in the kvStore schema (the inverse of <see cref="KernelStateRenderer"/>).</summary>
internal sealed partial class KernelKeeper
{
    /// <summary>
    /// Loads the kernel's part of a kvStore-schema state, reading <paramref name="kv"/> by key and range: the scalars,
    /// lists, queues, vat registry and objects now, each promise when it is first needed (a kernel with a million
    /// promises starts without reading them). The GC mirrors (owner reachable flags, importers) are derived from the
    /// vats' c-list keys for objects. Throws <see cref="FormatException"/> on state it cannot read, or of another
    /// schema version.
    /// </summary>
    public static KernelKeeper Load(ICommittedKv kv, string expectedVersion = KvKeys.CurrentVersion)
    {
        var k = LoadScalars(kv, CheckVersion(kv, expectedVersion));
        k._committed = kv;
        k.LoadLists(kv);
        k.LoadHostHolds(kv);
        foreach (var (key, value) in kv.ReadRange(KvKeys.TerminationReasonPrefix, KvKeys.Above(KvKeys.TerminationReasonPrefix)))
            k.LoadTerminationReason(key[KvKeys.TerminationReasonPrefix.Length..], value);
        foreach (var (key, value) in kv.ReadRange(KvKeys.ObjectKeysFrom, KvKeys.ObjectKeysTo))
            if (KvKeys.TrySplit(key, out var head, out var field) && Kref.TryParse(head, out var ko) && ko.IsObject) k.LoadObjectField(ko.Id, field, value);
        // one kpN.state key per promise (a vatstore or queue key cannot match: those are vN.* and runQueue.*)
        k._promiseCount = kv.Count(KvKeys.PromiseKeysFrom, KvKeys.PromiseKeysTo, KvKeys.PromiseStateGlob);
        k.LoadQueues(kv);
        k.LoadVats(kv);
        k.LoadGcMirrors(kv);
        k.MarkCommitted();
        return k;
    }

    /// <summary>The numbers of the committed promises, in key order (one <c>kpN.state</c> key each).</summary>
    private IEnumerable<long> CommittedPromiseIds() =>
        _committed!.ReadRange(KvKeys.PromiseKeysFrom, KvKeys.PromiseKeysTo, KvKeys.PromiseStateGlob)
            .Select(e => KvKeys.TrySplit(e.Key, out var head, out var field) && field == KvKeys.Field.State && Kref.TryParse(head, out var kp) && kp.IsPromise ? kp.Id : -1)
            .Where(id => id >= 0);

    private static string Req(ICommittedKv kv, string key) => kv.Get(key) ?? throw new FormatException($"state lacks '{key}'");

    private static long Num(string s) => long.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);

    private static T Json<T>(string s) => JsonSerializer.Deserialize<T>(s) ?? throw new FormatException($"bad JSON: {s}");

    private static string CheckVersion(ICommittedKv kv, string expectedVersion)
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

    private static KernelKeeper LoadScalars(ICommittedKv kv, string version)
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

    private void LoadLists(ICommittedKv kv)
    {
        _staticNames = Json<List<string>>(Req(kv, KvKeys.VatNames));
        _dynamicIds = Json<List<string>>(Req(kv, KvKeys.DynamicVatIds));
        _terminated = Json<List<string>>(Req(kv, KvKeys.TerminatedVats));
        _gcActions = [.. Json<string[]>(Req(kv, KvKeys.GcActions)).Select(GcAction.Parse)];
        _reapQueue = Json<List<string>>(Req(kv, KvKeys.ReapQueue));
        foreach (var ko in Req(kv, KvKeys.PinnedObjects).Split(',', StringSplitOptions.RemoveEmptyEntries)) _pinned.Add(Kref.Parse(ko));
        if (kv.Get(KvKeys.UpgradeEvents) is { } held)
        {
            using var doc = JsonDocument.Parse(held);
            foreach (var e in doc.RootElement.EnumerateArray()) _upgradeEvents.Add(EventJson.ReadEvent(e.GetRawText()));
        }
    }

    private void LoadHostHolds(ICommittedKv kv)
    {
        if (kv.Get(KvKeys.HostRefs) is { } hostRefs)
            foreach (var (owner, kref, n) in HostRefsJson.Read(hostRefs))
            {
                if (!_hostRefs.TryGetValue(owner, out var owned)) _hostRefs[owner] = owned = [];
                owned[Kref.Parse(kref)] = n;
            }
        if (kv.Get(KvKeys.DurableHolds) is { } durable)
            foreach (var (name, kref) in Json<Dictionary<string, string>>(durable)) _durableHolds[name] = Kref.Parse(kref);
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

    /// <summary>A promise row from its committed keys (those of the entity kpN); null when there are none.</summary>
    private static PromiseRow? ReadPromise(IEnumerable<KeyValuePair<string, string>> entries)
    {
        PromiseRow? p = null;
        var queue = new SortedDictionary<long, KMessage>();
        foreach (var (key, value) in entries)
        {
            if (!KvKeys.TrySplit(key, out _, out var field)) continue;
            p ??= new PromiseRow();
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
                    if (field.StartsWith(KvKeys.Field.QueuePrefix, StringComparison.Ordinal)) queue[Num(field[KvKeys.Field.QueuePrefix.Length..])] = EventJson.ReadMessage(value);
                    break;
            }
        }
        p?.Queue.AddRange(queue.Values);
        return p;
    }

    private void LoadQueues(ICommittedKv kv)
    {
        foreach (var name in KvKeys.Queues)
        {
            var bounds = Json<long[]>(Req(kv, name));
            var entries = new SortedDictionary<long, KernelEvent>();
            var prefix = KvKeys.QueueEntry(name, "");
            foreach (var (key, value) in kv.ReadRange(prefix, KvKeys.Above(prefix)))
                if (key[prefix.Length..] is { Length: > 0 } pos && pos.All(char.IsAsciiDigit)) entries[Num(pos)] = EventJson.ReadEvent(value);
            (name == KvKeys.RunQueue ? RunQueue : AcceptanceQueue).Load(bounds[0], bounds[1], entries.Values);
        }
    }

    /// <summary>
    /// One kernel-owned field (<paramref name="field"/>: <c>vN.FIELD</c>) of every vat that has it, by vat ID: one range
    /// read of the vats' keys, not one read per vat.
    /// </summary>
    private static Dictionary<string, string> VatField(ICommittedKv kv, string field)
    {
        var byVat = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in kv.ReadRange(KvKeys.VatKeysFrom, KvKeys.VatKeysTo, KvKeys.VatFieldGlob(field)))
            if (KvKeys.TrySplit(key, out var vatId, out var rest) && rest == field && VatId.IsValid(vatId)) byVat[vatId] = value;
        return byVat;
    }

    /// <summary>The vat registry: each live vat's record, and a tombstone for each terminated one.</summary>
    private void LoadVats(ICommittedKv kv)
    {
        var names = kv.ReadRange(KvKeys.VatNamePrefix, KvKeys.Above(KvKeys.VatNamePrefix))
            .ToDictionary(e => e.Value, e => e.Key[KvKeys.VatNamePrefix.Length..], StringComparer.Ordinal);
        var allOptions = VatField(kv, KvKeys.Field.Options);
        var sources = VatField(kv, KvKeys.Field.Source);
        var dirts = VatField(kv, KvKeys.Field.ReapDirt);
        var parameters = VatField(kv, KvKeys.Field.VatParameters);
        string Of(Dictionary<string, string> field, string vatId, string key) => field.TryGetValue(vatId, out var v) ? v : throw new FormatException($"state lacks '{key}'");
        var dynamic = _dynamicIds.ToHashSet(StringComparer.Ordinal);
        foreach (var vatId in names.Keys.Concat(_dynamicIds))
        {
            using var options = JsonDocument.Parse(Of(allOptions, vatId, KvKeys.VatOptions(vatId)));
            using var source = JsonDocument.Parse(Of(sources, vatId, KvKeys.VatSource(vatId)));
            using var dirt = JsonDocument.Parse(Of(dirts, vatId, KvKeys.VatReapDirt(vatId)));
            _vats[vatId] = new VatRecord(vatId, names.GetValueOrDefault(vatId), dynamic.Contains(vatId),
                source.RootElement.GetProperty("bundleName").GetString()!, options.RootElement.GetProperty("enablePipelining").GetBoolean(),
                EventJson.ReadCapData(Of(parameters, vatId, KvKeys.VatParameters(vatId))), Kref.Parse(options.RootElement.GetProperty("root").GetString()!),
                ReapDirt: dirt.RootElement.GetProperty("deliveries").GetInt64());
        }
        foreach (var vatId in _terminated)
            _vats[vatId] = new VatRecord(vatId, null, false, "", false, KCapData.Of("#null"), default, Alive: false);
    }

    /// <summary>The GC mirrors, from the vats' c-list keys for objects: owners' reachable flags and importers.</summary>
    private void LoadGcMirrors(ICommittedKv kv)
    {
        foreach (var (key, value) in kv.ReadRange(KvKeys.VatKeysFrom, KvKeys.VatKeysTo, KvKeys.CListObjectGlob))
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
