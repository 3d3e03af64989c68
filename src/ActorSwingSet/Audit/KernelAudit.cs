using System.Globalization;
using System.Text.Json;
using ActorSwingSet.Dump;
using ActorSwingSet.References;

namespace ActorSwingSet.Audit;

/// <summary>What the audit found. <see cref="IsClean"/> when it found nothing.</summary>
public sealed record AuditReport(
    IReadOnlyList<string> Violations,
    IReadOnlyList<(string VatId, string Kpid)> SettledInCList,
    int Promises,
    int Objects,
    int CListEntries)
{
    /// <summary>True when no invariant is violated and no settled promise is left in a c-list.</summary>
    public bool IsClean => Violations.Count == 0 && SettledInCList.Count == 0;

    /// <summary>One line when clean; otherwise a headline and the first 20 findings of each kind, one per line.</summary>
    public override string ToString() =>
        IsClean
            ? $"audit clean: {Promises} promises, {Objects} objects, {CListEntries} c-list entries recounted"
            : $"audit found {Violations.Count} violation(s) and {SettledInCList.Count} settled promise(s) left in c-lists:"
              + string.Concat(Violations.Take(20).Select(v => "\n  " + v))
              + string.Concat(SettledInCList.Take(20).Select(p => $"\n  I2: {p.Kpid} is settled but still in {p.VatId}'s c-list with no pending notify"));
}

/// <summary>
/// A mark-and-sweep check of the kernel invariants (semantics section 9) over a kvStore-schema dump: it recounts
/// every reference from first principles (c-lists, queued events, messages queued on promises, resolution data,
/// vat parameters, host-held references) and compares with the stored counts. It reads only the dump, so it works
/// on any state in SwingSet's schema, ours or SwingSet's own.
/// </summary>
public static class KernelAudit
{
    private sealed class PromiseRow
    {
        public string? State;
        public long? RefCount;
        public string? Decider;
        public bool Durable;
        public string Subscribers = "";
        public List<string> QueueJson = [];
        public string? DataSlots;
    }

    /// <summary>
    /// Audits a kernel state given as kvStore entries (a dump, or SwingSet's own state); changes nothing. Host-held
    /// references (<c>kernel.hostRefs</c>) count like any other; those of a host session older than the newest one
    /// recorded are reported as orphaned, since a kernel releases an earlier session's holds when it starts.
    /// </summary>
    public static AuditReport Run(IReadOnlyDictionary<string, string> kv) => Run(kv, null);

    /// <summary>
    /// The audit of a running kernel, which knows its host session: a reference held by any other session is
    /// orphaned (its host is gone and nothing will release it).
    /// </summary>
    internal static AuditReport Run(IReadOnlyDictionary<string, string> kv, long? hostSession)
    {
        var violations = new List<string>();
        var promises = new SortedDictionary<string, PromiseRow>(StringComparer.Ordinal);
        var objects = new SortedDictionary<string, (string? Owner, long R, long C)>(StringComparer.Ordinal);
        var counts = new Dictionary<string, (long R, long C)>(StringComparer.Ordinal);
        // vat -> (kref -> (reachable, vref)) and (vref -> kref)
        var byKref = new SortedDictionary<string, Dictionary<string, (bool R, string Vref)>>(StringComparer.Ordinal);
        var byVref = new SortedDictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        var pendingNotifies = new HashSet<(string, string)>();
        var gcActions = new HashSet<string>(StringComparer.Ordinal);
        var hostRefs = new List<(long Owner, string Kref, long Count)>();

        void Count(string kref, bool reachable = true)
        {
            var (r, c) = counts.GetValueOrDefault(kref);
            counts[kref] = (r + (reachable ? 1 : 0), c + 1);
        }

        void CountEventJson(string json)
        {
            foreach (var k in EventJson.HeldKrefs(json)) Count(k.ToString());
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var t) && t.GetString() == "notify"
                && root.TryGetProperty("vatID", out var v) && root.TryGetProperty("kpid", out var kp))
                pendingNotifies.Add((v.GetString()!, kp.GetString()!));
        }

        PromiseRow Row(string kpid) => promises.TryGetValue(kpid, out var r) ? r : promises[kpid] = new PromiseRow();

        foreach (var (key, value) in kv)
        {
            var dot = key.IndexOf('.');
            var head = dot < 0 ? key : key[..dot];
            var rest = dot < 0 ? "" : key[(dot + 1)..];
            if (Kref.TryParse(head, out var kref))
            {
                if (kref.IsPromise)
                {
                    switch (rest)
                    {
                        case "state": Row(head).State = value; break;
                        case "refCount": Row(head).RefCount = ParseLong(value); break;
                        case "decider": Row(head).Decider = value; break;
                        case "durable": Row(head).Durable = value == "1"; break;
                        case "subscribers": Row(head).Subscribers = value; break;
                        case "data.slots": Row(head).DataSlots = value; break;
                        default:
                            if (rest.StartsWith("queue.", StringComparison.Ordinal) && rest != "queue.nextID") Row(head).QueueJson.Add(value);
                            break;
                    }
                }
                else if (kref.IsObject)
                {
                    var o = objects.GetValueOrDefault(head);
                    if (rest == "owner") o.Owner = value;
                    else if (rest == "refCount")
                    {
                        var parts = value.Split(',');
                        o.R = parts.Length == 2 ? ParseLong(parts[0]) : -1;
                        o.C = parts.Length == 2 ? ParseLong(parts[1]) : -1;
                    }
                    objects[head] = o;
                }
                continue;
            }
            if (VatId.IsValid(head) && rest.StartsWith("c.", StringComparison.Ordinal))
            {
                var slot = rest[2..];
                if (Kref.TryParse(slot, out _))
                {
                    var flag = value.Length > 2 && value[1] == ' ' && (value[0] == 'R' || value[0] == '_');
                    if (!flag) violations.Add($"I4: {key} = '{value}' is not 'R vref' or '_ vref'");
                    var map = byKref.TryGetValue(head, out var m) ? m : byKref[head] = new(StringComparer.Ordinal);
                    map[slot] = (value.Length > 0 && value[0] == 'R', flag ? value[2..] : value);
                }
                else
                {
                    var map = byVref.TryGetValue(head, out var m) ? m : byVref[head] = new(StringComparer.Ordinal);
                    map[slot] = value;
                }
                continue;
            }
            if (IsDeviceId(head) && rest.StartsWith("c.ko", StringComparison.Ordinal) && value.StartsWith("o-", StringComparison.Ordinal))
            {
                // SwingSet's devices import objects too (dN.c.koN = o-M), counting reachable and recognizable
                Count(rest[2..]);
                continue;
            }
            if (VatId.IsValid(head) && rest == "vatParameters")
            {
                foreach (var k in EventJson.HeldKrefs(value)) Count(k.ToString());
                continue;
            }
            if ((head is "runQueue" or "acceptanceQueue") && rest.Length > 0 && rest.All(char.IsAsciiDigit))
            {
                CountEventJson(value);
                continue;
            }
            switch (key)
            {
                case "upgradeEvents":
                    using (var doc = JsonDocument.Parse(value))
                        foreach (var e in doc.RootElement.EnumerateArray()) CountEventJson(e.GetRawText());
                    break;
                case "kernel.hostRefs":
                    foreach (var (owner, k, n) in HostRefsJson.Read(value))
                    {
                        for (var i = 0; i < n; i++) Count(k);
                        hostRefs.Add((owner, k, n));
                    }
                    break;
                case "kernel.durableHolds":
                    foreach (var k in (JsonSerializer.Deserialize<Dictionary<string, string>>(value) ?? []).Values) Count(k);
                    break;
                case "pinnedObjects":
                    foreach (var k in value.Split(',', StringSplitOptions.RemoveEmptyEntries)) Count(k);
                    break;
                case "gcActions":
                    foreach (var a in JsonSerializer.Deserialize<string[]>(value) ?? []) gcActions.Add(a);
                    break;
            }
        }

        var terminated = ReadList(kv, "vats.terminated").ToHashSet(StringComparer.Ordinal);
        var live = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in kv) if (key.StartsWith("vat.name.", StringComparison.Ordinal)) live.Add(value);
        foreach (var v in ReadList(kv, "vat.dynamicIDs")) live.Add(v);
        live.ExceptWith(terminated);

        // c-lists: consistency (I4), terminated vats (I6), and the references they hold
        var clistEntries = 0;
        foreach (var (vat, map) in byKref)
        {
            if (terminated.Contains(vat)) violations.Add($"I6: terminated vat {vat} still holds {map.Count} c-list entries");
            var reverse = byVref.GetValueOrDefault(vat) ?? [];
            foreach (var (k, (reachable, vref)) in map)
            {
                clistEntries++;
                if (!reverse.TryGetValue(vref, out var back) || back != k) violations.Add($"I4: {vat}.c.{k} names {vref}, but {vat}.c.{vref} is {(back is null ? "missing" : back)}");
                if (!VrefInfo.TryParse(vref, out var info)) continue;
                if (k.StartsWith("kp", StringComparison.Ordinal)) Count(k);
                else if (!info.AllocatedByVat)
                {
                    // an import of an object already deleted, whose retireImport has not been delivered yet, is legal
                    if (!objects.ContainsKey(k) && gcActions.Contains($"{vat} retireImport {k}")) continue;
                    Count(k, reachable);
                }
            }
        }
        foreach (var (vat, reverse) in byVref)
        {
            var forward = byKref.GetValueOrDefault(vat) ?? [];
            foreach (var (vref, k) in reverse)
                if (!forward.ContainsKey(k)) violations.Add($"I4: {vat}.c.{vref} names {k}, which has no {vat}.c.{k}");
        }

        // promises: queued messages and resolution data hold references
        foreach (var (kpid, row) in promises)
        {
            foreach (var msg in row.QueueJson)
            {
                Count(kpid);
                foreach (var k in EventJson.HeldKrefs(msg)) Count(k.ToString());
            }
            if (!string.IsNullOrEmpty(row.DataSlots))
                foreach (var s in row.DataSlots.Split(',')) Count(s);
        }

        // I1 and I5: stored counts against recounts
        foreach (var (kpid, row) in promises)
        {
            if (row.State is null) { violations.Add($"{kpid} has keys but no {kpid}.state"); continue; }
            var expected = counts.GetValueOrDefault(kpid).C;
            if (row.RefCount != expected) violations.Add($"I1: {kpid}.refCount is {row.RefCount?.ToString(CultureInfo.InvariantCulture) ?? "missing"}, recount finds {expected}");
            if (row.RefCount == 0) violations.Add($"I5: {kpid} survives with refCount 0");
            if (row.Durable && (row.State != "unresolved" || string.IsNullOrEmpty(row.Decider)))
                violations.Add($"I3: {kpid} is marked durable but has no deciding vat");
            if (row.State == "unresolved" && !string.IsNullOrEmpty(row.Decider) && !live.Contains(row.Decider))
                violations.Add($"I3: unresolved {kpid} is decided by {row.Decider}, which is not a live vat");
        }
        foreach (var (koid, o) in objects)
        {
            var (r, c) = counts.GetValueOrDefault(koid);
            if (o.R != r || o.C != c) violations.Add($"I1: {koid}.refCount is {o.R},{o.C}, recount finds {r},{c}");
            if (o.Owner is null)
            {
                if (o.R == 0 && o.C == 0) violations.Add($"I5: orphaned {koid} survives with no references");
                continue;
            }
            if (!live.Contains(o.Owner)) violations.Add($"I6: {koid} is owned by {o.Owner}, which is not a live vat");
            else if (!byKref.TryGetValue(o.Owner, out var ownerMap) || !ownerMap.TryGetValue(koid, out var entry) || !entry.Vref.StartsWith("o+", StringComparison.Ordinal))
                violations.Add($"I4: {koid} is owned by {o.Owner}, which holds no export entry for it");
            else if (o.R == 0 && entry.R && !gcActions.Contains($"{o.Owner} dropExport {koid}"))
                violations.Add($"GC: {koid} is unreachable but its owner {o.Owner} still holds it reachable and no dropExport is pending");
        }
        foreach (var (k, _) in counts)
        {
            if (k.StartsWith("kp", StringComparison.Ordinal) ? !promises.ContainsKey(k) : !objects.ContainsKey(k))
                violations.Add($"dangling reference: {k} is referenced but not in the kernel tables");
        }

        // host-held references: only the current host session can still release its holds
        if (hostRefs.Count > 0)
        {
            var current = hostSession ?? hostRefs.Max(h => h.Owner);
            foreach (var (owner, k, n) in hostRefs)
                if (owner != current)
                    violations.Add($"host: {k} is held {n} time(s) by host session {owner}, which has ended (the kernel is in session {current}); nothing will release it");
        }

        // I2: settled promises in c-lists need a pending notify to that vat
        var settledInCList = new List<(string, string)>();
        foreach (var (vat, map) in byKref)
        {
            if (!live.Contains(vat)) continue;
            foreach (var (k, _) in map)
            {
                if (!k.StartsWith("kp", StringComparison.Ordinal) || !promises.TryGetValue(k, out var row)) continue;
                if (row.State is "fulfilled" or "rejected" && !pendingNotifies.Contains((vat, k))) settledInCList.Add((vat, k));
            }
        }
        foreach (var (kpid, row) in promises)
            if (row.State == "unresolved" && row.Decider is { Length: > 0 } d && terminated.Contains(d))
                violations.Add($"I6: terminated vat {d} still decides {kpid}");

        return new AuditReport(violations, settledInCList, promises.Count, objects.Count, clistEntries);
    }

    private static bool IsDeviceId(string s) => s.Length > 1 && s[0] == 'd' && s.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0;

    private static long ParseLong(string s) => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;

    private static IEnumerable<string> ReadList(IReadOnlyDictionary<string, string> kv, string key) =>
        kv.TryGetValue(key, out var json) ? JsonSerializer.Deserialize<string[]>(json) ?? [] : [];
}
