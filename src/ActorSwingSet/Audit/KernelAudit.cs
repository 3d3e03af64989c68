using System.Globalization;
using System.Text.Json;
using ActorSwingSet.Kernel.State;
using ActorSwingSet.References;
using ActorSwingSet.Schema;

namespace ActorSwingSet;

/// <summary>What the audit found. <see cref="IsClean"/> when it found nothing.</summary>
/// <param name="Violations">Broken invariants, one line each, starting with the invariant's name (docs/KERNEL-SEMANTICS.md section 9).</param>
/// <param name="SettledInCList">Settled promises still in a vat's c-list with no notify on its way (SwingSet #9039 damage).</param>
/// <param name="Promises">Promises recounted.</param>
/// <param name="Objects">Objects recounted.</param>
/// <param name="CListEntries">C-list entries recounted.</param>
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
/// A mark-and-sweep check of the kernel invariants (docs/KERNEL-SEMANTICS.md section 9) over a kvStore-schema dump: it recounts
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
        var a = new Recount();
        foreach (var (key, value) in kv) a.Read(key, value);
        a.ReadVatSets(kv);
        a.CheckCLists();
        a.CountPromiseHoldings();
        a.CheckPromiseCounts();
        a.CheckObjectCounts();
        a.CheckDangling();
        a.CheckHostSessions(hostSession);
        var settledInCList = a.SettledInCLists();
        a.CheckTerminatedDeciders();
        return new AuditReport(a.Violations, settledInCList, a.Promises.Count, a.Objects.Count, a.CListEntries);
    }

    /// <summary>The audit's tables, filled by one pass over the state, and its checks over them, in report order.</summary>
    private sealed class Recount
    {
        public readonly List<string> Violations = [];
        public readonly SortedDictionary<string, PromiseRow> Promises = new(StringComparer.Ordinal);
        public readonly SortedDictionary<string, (string? Owner, long R, long C)> Objects = new(StringComparer.Ordinal);
        public int CListEntries;
        private readonly Dictionary<string, (long R, long C)> _counts = new(StringComparer.Ordinal);
        // vat -> (kref -> (reachable, vref)) and (vref -> kref)
        private readonly SortedDictionary<string, Dictionary<string, (bool R, string Vref)>> _byKref = new(StringComparer.Ordinal);
        private readonly SortedDictionary<string, Dictionary<string, string>> _byVref = new(StringComparer.Ordinal);
        private readonly HashSet<(string, string)> _pendingNotifies = [];
        private readonly HashSet<GcAction> _gcActions = [];
        private readonly List<(long Owner, string Kref, long Count)> _hostRefs = [];
        private HashSet<string> _terminated = new(StringComparer.Ordinal);
        private readonly HashSet<string> _live = new(StringComparer.Ordinal);

        private void Count(string kref, bool reachable = true)
        {
            var (r, c) = _counts.GetValueOrDefault(kref);
            _counts[kref] = (r + (reachable ? 1 : 0), c + 1);
        }

        private void CountEventJson(string json)
        {
            foreach (var k in EventJson.HeldKrefs(json)) Count(k.ToString());
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var t) && t.GetString() == "notify"
                && root.TryGetProperty("vatID", out var v) && root.TryGetProperty("kpid", out var kp))
                _pendingNotifies.Add((v.GetString()!, kp.GetString()!));
        }

        private PromiseRow Row(string kpid) => Promises.TryGetValue(kpid, out var r) ? r : Promises[kpid] = new PromiseRow();

        /// <summary>Reads one key: an entity row, a c-list entry, or a key holding references.</summary>
        public void Read(string key, string value)
        {
            if (!KvKeys.TrySplit(key, out var head, out var rest)) head = key;
            if (Kref.TryParse(head, out var kref))
            {
                if (kref.IsPromise) ReadPromiseField(head, rest, value);
                else if (kref.IsObject) ReadObjectField(head, rest, value);
            }
            else if (VatId.IsValid(head) && rest.StartsWith(KvKeys.Field.CListPrefix, StringComparison.Ordinal))
                ReadCListEntry(key, head, rest[KvKeys.Field.CListPrefix.Length..], value);
            else if (IsDeviceId(head) && rest.StartsWith(KvKeys.Field.CListObjectPrefix, StringComparison.Ordinal) && value.StartsWith("o-", StringComparison.Ordinal))
            {
                // SwingSet's devices import objects too (dN.c.koN = o-M), counting reachable and recognizable
                Count(rest[KvKeys.Field.CListPrefix.Length..]);
            }
            else if (VatId.IsValid(head) && rest == KvKeys.Field.VatParameters)
            {
                foreach (var k in EventJson.HeldKrefs(value)) Count(k.ToString());
            }
            else if (KvKeys.Queues.Contains(head) && rest.Length > 0 && rest.All(char.IsAsciiDigit)) CountEventJson(value);
            else ReadKernelKey(key, value);
        }

        private void ReadPromiseField(string kpid, string field, string value)
        {
            switch (field)
            {
                case KvKeys.Field.State: Row(kpid).State = value; break;
                case KvKeys.Field.RefCount: Row(kpid).RefCount = ParseLong(value); break;
                case KvKeys.Field.Decider: Row(kpid).Decider = value; break;
                case KvKeys.Field.Durable: Row(kpid).Durable = value == "1"; break;
                case KvKeys.Field.Subscribers: Row(kpid).Subscribers = value; break;
                case KvKeys.Field.DataSlots: Row(kpid).DataSlots = value; break;
                default:
                    if (field.StartsWith(KvKeys.Field.QueuePrefix, StringComparison.Ordinal) && field != KvKeys.Field.QueueNextId) Row(kpid).QueueJson.Add(value);
                    break;
            }
        }

        private void ReadObjectField(string koid, string field, string value)
        {
            var o = Objects.GetValueOrDefault(koid);
            if (field == KvKeys.Field.Owner) o.Owner = value;
            else if (field == KvKeys.Field.RefCount)
            {
                var parts = value.Split(',');
                o.R = parts.Length == 2 ? ParseLong(parts[0]) : -1;
                o.C = parts.Length == 2 ? ParseLong(parts[1]) : -1;
            }
            Objects[koid] = o;
        }

        private void ReadCListEntry(string key, string vat, string slot, string value)
        {
            if (Kref.TryParse(slot, out _))
            {
                if (!KvKeys.TryParseCListKrefValue(value, out var reachable, out var vref))
                {
                    Violations.Add("I4: " + KvKeys.NotACListKrefValue(key, value));
                    (reachable, vref) = (value.Length > 0 && value[0] == 'R', value);
                }
                var map = _byKref.TryGetValue(vat, out var m) ? m : _byKref[vat] = new(StringComparer.Ordinal);
                map[slot] = (reachable, vref);
            }
            else
            {
                var map = _byVref.TryGetValue(vat, out var m) ? m : _byVref[vat] = new(StringComparer.Ordinal);
                map[slot] = value;
            }
        }

        private void ReadKernelKey(string key, string value)
        {
            switch (key)
            {
                case KvKeys.UpgradeEvents:
                    using (var doc = JsonDocument.Parse(value))
                        foreach (var e in doc.RootElement.EnumerateArray()) CountEventJson(e.GetRawText());
                    break;
                case KvKeys.HostRefs:
                    foreach (var (owner, k, n) in HostRefsJson.Read(value))
                    {
                        for (var i = 0; i < n; i++) Count(k);
                        _hostRefs.Add((owner, k, n));
                    }
                    break;
                case KvKeys.DurableHolds:
                    foreach (var k in (JsonSerializer.Deserialize<Dictionary<string, string>>(value) ?? []).Values) Count(k);
                    break;
                case KvKeys.PinnedObjects:
                    foreach (var k in value.Split(',', StringSplitOptions.RemoveEmptyEntries)) Count(k);
                    break;
                case KvKeys.GcActions:
                    foreach (var a in JsonSerializer.Deserialize<string[]>(value) ?? [])
                    {
                        if (GcAction.TryParse(a, out var action)) _gcActions.Add(action);
                        else Violations.Add(GcAction.NotAnAction(a));
                    }
                    break;
            }
        }

        /// <summary>The terminated vats, and the live ones (named or dynamic, not terminated).</summary>
        public void ReadVatSets(IReadOnlyDictionary<string, string> kv)
        {
            _terminated = ReadList(kv, KvKeys.TerminatedVats).ToHashSet(StringComparer.Ordinal);
            foreach (var (key, value) in kv) if (key.StartsWith(KvKeys.VatNamePrefix, StringComparison.Ordinal)) _live.Add(value);
            foreach (var v in ReadList(kv, KvKeys.DynamicVatIds)) _live.Add(v);
            _live.ExceptWith(_terminated);
        }

        /// <summary>C-lists: consistency (I4), terminated vats (I6), and the references they hold.</summary>
        public void CheckCLists()
        {
            foreach (var (vat, map) in _byKref)
            {
                if (_terminated.Contains(vat)) Violations.Add($"I6: terminated vat {vat} still holds {map.Count} c-list entries");
                var reverse = _byVref.GetValueOrDefault(vat) ?? [];
                foreach (var (k, (reachable, vref)) in map)
                {
                    CListEntries++;
                    if (!reverse.TryGetValue(vref, out var back) || back != k)
                        Violations.Add($"I4: {KvKeys.CList(vat, k)} names {vref}, but {KvKeys.CList(vat, vref)} is {(back is null ? "missing" : back)}");
                    if (!VrefInfo.TryParse(vref, out var info)) continue;
                    if (IsPromiseId(k)) Count(k);
                    else if (!info.AllocatedByVat)
                    {
                        // an import of an object already deleted, whose retireImport has not been delivered yet, is legal
                        if (!Objects.ContainsKey(k) && _gcActions.Contains(new GcAction(vat, GcActionKind.RetireImport, Kref.Parse(k)))) continue;
                        Count(k, reachable);
                    }
                }
            }
            foreach (var (vat, reverse) in _byVref)
            {
                var forward = _byKref.GetValueOrDefault(vat) ?? [];
                foreach (var (vref, k) in reverse)
                    if (!forward.ContainsKey(k)) Violations.Add($"I4: {KvKeys.CList(vat, vref)} names {k}, which has no {KvKeys.CList(vat, k)}");
            }
        }

        /// <summary>Promises: queued messages and resolution data hold references.</summary>
        public void CountPromiseHoldings()
        {
            foreach (var (kpid, row) in Promises)
            {
                foreach (var msg in row.QueueJson)
                {
                    Count(kpid);
                    foreach (var k in EventJson.HeldKrefs(msg)) Count(k.ToString());
                }
                if (!string.IsNullOrEmpty(row.DataSlots))
                    foreach (var s in row.DataSlots.Split(',')) Count(s);
            }
        }

        /// <summary>I1, I3 and I5 for promises: stored counts against recounts, and deciders.</summary>
        public void CheckPromiseCounts()
        {
            foreach (var (kpid, row) in Promises)
            {
                if (row.State is null) { Violations.Add($"{kpid} has keys but no {KvKeys.Of(kpid, KvKeys.Field.State)}"); continue; }
                var expected = _counts.GetValueOrDefault(kpid).C;
                if (row.RefCount != expected)
                    Violations.Add($"I1: {KvKeys.Of(kpid, KvKeys.Field.RefCount)} is {row.RefCount?.ToString(CultureInfo.InvariantCulture) ?? "missing"}"
                        + $", recount finds {expected}");
                if (row.RefCount == 0) Violations.Add($"I5: {kpid} survives with refCount 0");
                if (row.Durable && (row.State != KvKeys.PromiseStateValue.Unresolved || string.IsNullOrEmpty(row.Decider)))
                    Violations.Add($"I3: {kpid} is marked durable but has no deciding vat");
                if (row.State == KvKeys.PromiseStateValue.Unresolved && !string.IsNullOrEmpty(row.Decider) && !_live.Contains(row.Decider))
                    Violations.Add($"I3: unresolved {kpid} is decided by {row.Decider}, which is not a live vat");
            }
        }

        /// <summary>I1, I4, I5, I6 and GC for objects: counts, owners and their export entries.</summary>
        public void CheckObjectCounts()
        {
            foreach (var (koid, o) in Objects)
            {
                var (r, c) = _counts.GetValueOrDefault(koid);
                if (o.R != r || o.C != c) Violations.Add($"I1: {KvKeys.Of(koid, KvKeys.Field.RefCount)} is {o.R},{o.C}, recount finds {r},{c}");
                if (o.Owner is null)
                {
                    if (o.R == 0 && o.C == 0) Violations.Add($"I5: orphaned {koid} survives with no references");
                    continue;
                }
                if (!_live.Contains(o.Owner)) Violations.Add($"I6: {koid} is owned by {o.Owner}, which is not a live vat");
                else if (!_byKref.TryGetValue(o.Owner, out var ownerMap) || !ownerMap.TryGetValue(koid, out var entry) || !entry.Vref.StartsWith("o+", StringComparison.Ordinal))
                    Violations.Add($"I4: {koid} is owned by {o.Owner}, which holds no export entry for it");
                else if (o.R == 0 && entry.R && !_gcActions.Contains(new GcAction(o.Owner, GcActionKind.DropExport, Kref.Parse(koid))))
                    Violations.Add($"GC: {koid} is unreachable but its owner {o.Owner} still holds it reachable and no dropExport is pending");
            }
        }

        public void CheckDangling()
        {
            foreach (var (k, _) in _counts)
            {
                if (IsPromiseId(k) ? !Promises.ContainsKey(k) : !Objects.ContainsKey(k))
                    Violations.Add($"dangling reference: {k} is referenced but not in the kernel tables");
            }
        }

        /// <summary>Host-held references: only the current host session can still release its holds.</summary>
        public void CheckHostSessions(long? hostSession)
        {
            if (_hostRefs.Count == 0) return;
            var current = hostSession ?? _hostRefs.Max(h => h.Owner);
            foreach (var (owner, k, n) in _hostRefs)
                if (owner != current)
                    Violations.Add($"host: {k} is held {n} time(s) by host session {owner}, which has ended (the kernel is in session {current}); nothing will release it");
        }

        /// <summary>I2: settled promises in live vats' c-lists with no pending notify to that vat.</summary>
        public List<(string, string)> SettledInCLists()
        {
            var settled = new List<(string, string)>();
            foreach (var (vat, map) in _byKref)
            {
                if (!_live.Contains(vat)) continue;
                foreach (var (k, _) in map)
                {
                    if (!IsPromiseId(k) || !Promises.TryGetValue(k, out var row)) continue;
                    if (row.State is KvKeys.PromiseStateValue.Fulfilled or KvKeys.PromiseStateValue.Rejected && !_pendingNotifies.Contains((vat, k))) settled.Add((vat, k));
                }
            }
            return settled;
        }

        public void CheckTerminatedDeciders()
        {
            foreach (var (kpid, row) in Promises)
                if (row.State == KvKeys.PromiseStateValue.Unresolved && row.Decider is { Length: > 0 } d && _terminated.Contains(d))
                    Violations.Add($"I6: terminated vat {d} still decides {kpid}");
        }
    }

    private static bool IsPromiseId(string kref) => kref.StartsWith("kp", StringComparison.Ordinal);

    private static bool IsDeviceId(string s) => s.Length > 1 && s[0] == 'd' && s.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0;

    private static long ParseLong(string s) => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;

    private static IEnumerable<string> ReadList(IReadOnlyDictionary<string, string> kv, string key) =>
        kv.TryGetValue(key, out var json) ? JsonSerializer.Deserialize<string[]>(json) ?? [] : [];
}
