using System.Globalization;
using System.Text.Json;
using ActorSwingSet.Dump;
using ActorSwingSet.References;

namespace ActorSwingSet.Kernel.State;

/// <summary>Rebuilding the kernel's tables from state in the kvStore schema (the inverse of <see cref="KernelStateDump"/>).</summary>
internal sealed partial class KernelKeeper
{
    /// <summary>
    /// Loads the kernel's part of a kvStore-schema state. The GC mirrors (owner reachable flags, importers) are
    /// derived from the vats' c-list keys in the same state. Throws <see cref="FormatException"/> on state it
    /// cannot read, or of another schema version.
    /// </summary>
    public static KernelKeeper Load(IReadOnlyDictionary<string, string> kv, string expectedVersion = KernelStateDump.SchemaVersion)
    {
        string Req(string key) => kv.TryGetValue(key, out var v) ? v : throw new FormatException($"state lacks '{key}'");
        static long N(string s) => long.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);
        static T Json<T>(string s) => JsonSerializer.Deserialize<T>(s) ?? throw new FormatException($"bad JSON: {s}");

        var version = Req("version");
        if (version != expectedVersion)
        {
            throw new FormatException(version == KernelStateDump.LeakySchemaVersion && expectedVersion == KernelStateDump.SchemaVersion
                ? "the stored state has schema version 2 (written with the #9039 upgrade leak); run `swingset upgrade-state --db FILE` once to repair and upgrade it"
                : $"the stored state has schema version {version}; this kernel reads version {expectedVersion}");
        }
        var k = new KernelKeeper
        {
            SchemaVersion = version,
            CrankNumber = N(Req("crankNumber")),
            NextVatId = N(Req("vat.nextID")),
            NextObjectId = N(Req("ko.nextID")),
            NextPromiseId = N(Req("kp.nextID")),
        };
        foreach (var (name, value) in Json<Dictionary<string, long>>(Req("kernelStats")))
            if (Enum.TryParse<KernelStat>(name, out var stat)) k._stats[(int)stat] = value;
        k._staticNames = Json<List<string>>(Req("vat.names"));
        k._dynamicIds = Json<List<string>>(Req("vat.dynamicIDs"));
        k._terminated = Json<List<string>>(Req("vats.terminated"));
        k._gcActions = new SortedSet<string>(Json<string[]>(Req("gcActions")), StringComparer.Ordinal);
        k._reapQueue = Json<List<string>>(Req("reapQueue"));
        foreach (var ko in Req("pinnedObjects").Split(',', StringSplitOptions.RemoveEmptyEntries)) k._pinned.Add(Kref.Parse(ko));
        if (kv.TryGetValue("upgradeEvents", out var held))
        {
            using var doc = JsonDocument.Parse(held);
            foreach (var e in doc.RootElement.EnumerateArray()) k._upgradeEvents.Add(EventJson.ReadEvent(e.GetRawText()));
        }
        if (kv.TryGetValue("kernel.hostRefs", out var hostRefs))
            foreach (var (owner, kref, n) in HostRefsJson.Read(hostRefs))
            {
                if (!k._hostRefs.TryGetValue(owner, out var owned)) k._hostRefs[owner] = owned = [];
                owned[Kref.Parse(kref)] = n;
            }
        if (kv.TryGetValue("kernel.durableHolds", out var durable))
            foreach (var (name, kref) in Json<Dictionary<string, string>>(durable)) k._durableHolds[name] = Kref.Parse(kref);

        var promiseQueues = new Dictionary<long, SortedDictionary<long, KMessage>>();
        var queues = new Dictionary<string, SortedDictionary<long, KernelEvent>>(StringComparer.Ordinal) { ["runQueue"] = [], ["acceptanceQueue"] = [] };
        foreach (var (key, value) in kv)
        {
            var dot = key.IndexOf('.');
            if (dot < 0) continue;
            var head = key[..dot];
            var rest = key[(dot + 1)..];
            if (queues.TryGetValue(head, out var q) && rest.All(char.IsAsciiDigit)) { q[N(rest)] = EventJson.ReadEvent(value); continue; }
            if (head == "vat" && rest.StartsWith("terminationReason.", StringComparison.Ordinal))
            {
                using var doc = JsonDocument.Parse(value);
                k._terminationReasons[rest["terminationReason.".Length..]] = new VatTermination(doc.RootElement.GetProperty("isFailure").GetBoolean(), doc.RootElement.GetProperty("info").GetString()!);
                continue;
            }
            if (!Kref.TryParse(head, out var kref)) continue;
            if (kref.IsObject)
            {
                var o = k._objects.TryGetValue(kref.Id, out var existing) ? existing : k._objects[kref.Id] = new KernelObject();
                if (rest == "owner") o.Owner = value;
                else if (rest == "refCount")
                {
                    var parts = value.Split(',');
                    (o.Reachable, o.Recognizable) = (N(parts[0]), N(parts[1]));
                }
                continue;
            }
            var p = k._promises.TryGetValue(kref.Id, out var ep) ? ep : k._promises[kref.Id] = new KernelPromise();
            switch (rest)
            {
                case "state": p.State = value switch { "unresolved" => PromiseState.Unresolved, "fulfilled" => PromiseState.Fulfilled, "rejected" => PromiseState.Rejected, _ => throw new FormatException($"{key} = {value}") }; break;
                case "refCount": p.RefCount = N(value); break;
                case "decider": p.Decider = value.Length == 0 ? null : value; break;
                case "durable": p.Durable = value == "1"; break;
                case "subscribers": foreach (var v in value.Split(',', StringSplitOptions.RemoveEmptyEntries)) p.Subscribers.Add(v); break;
                case "queue.nextID": p.QueueNextId = N(value); break;
                case "data.body": p.Data = new Marshal.KCapData(value, p.Data?.Slots ?? []); break;
                case "data.slots": p.Data = new Marshal.KCapData(p.Data?.Body ?? "", [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Kref.Parse)]); break;
                default:
                    if (rest.StartsWith("queue.", StringComparison.Ordinal))
                    {
                        if (!promiseQueues.TryGetValue(kref.Id, out var pq)) promiseQueues[kref.Id] = pq = [];
                        pq[N(rest[6..])] = EventJson.ReadMessage(value);
                    }
                    break;
            }
        }
        foreach (var (id, pq) in promiseQueues) k._promises[id].Queue.AddRange(pq.Values);
        foreach (var (name, q) in queues)
        {
            var bounds = Json<long[]>(Req(name));
            (name == "runQueue" ? k.RunQueue : k.AcceptanceQueue).Load(bounds[0], bounds[1], q.Values);
        }

        // the vat registry and the GC mirrors
        var names = kv.Where(e => e.Key.StartsWith("vat.name.", StringComparison.Ordinal)).ToDictionary(e => e.Value, e => e.Key["vat.name.".Length..], StringComparer.Ordinal);
        foreach (var vatId in names.Keys.Concat(k._dynamicIds))
        {
            var p = vatId + ".";
            using var options = JsonDocument.Parse(Req(p + "options"));
            using var source = JsonDocument.Parse(Req(p + "source"));
            using var dirt = JsonDocument.Parse(Req(p + "reapDirt"));
            k._vats[vatId] = new VatRecord(vatId, names.GetValueOrDefault(vatId), k._dynamicIds.Contains(vatId),
                source.RootElement.GetProperty("bundleName").GetString()!, options.RootElement.GetProperty("enablePipelining").GetBoolean(),
                EventJson.ReadCapData(Req(p + "vatParameters")), Kref.Parse(options.RootElement.GetProperty("root").GetString()!),
                ReapDirt: dirt.RootElement.GetProperty("deliveries").GetInt64());
        }
        foreach (var vatId in k._terminated)
            k._vats[vatId] = new VatRecord(vatId, null, false, "", false, Marshal.KCapData.Of("#null"), default, Alive: false);
        foreach (var (key, value) in kv)
        {
            var c = key.IndexOf(".c.ko", StringComparison.Ordinal);
            if (c < 0 || !VatId.IsValid(key[..c]) || value.Length < 3) continue;
            var vatId = key[..c];
            var ko = Kref.Parse(key[(c + 3)..]);
            var export = value[2] == 'o' && value.Length > 3 && value[3] == '+';
            if (k._objects.TryGetValue(ko.Id, out var o))
            {
                if (export && o.Owner == vatId) o.OwnerReachable = value[0] == 'R';
                else if (!export) o.Importers.Add(vatId);
            }
            else if (!export)
            {
                if (!k._retiredImporters.TryGetValue(ko.Id, out var set)) k._retiredImporters[ko.Id] = set = new SortedSet<string>(StringComparer.Ordinal);
                set.Add(vatId);
            }
        }
        k.MarkCommitted();
        return k;
    }
}
