using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ActorSwingSet.Remediation;
using ActorSwingSet.Schema;
using Microsoft.Data.Sqlite;

namespace ActorSwingSet.Audit;

/// <summary>
/// One place in a swing-store that names a kref and so holds one count on it.
/// <see cref="Kind"/> is one of <c>c-list</c>, <c>terminated-vat-c-list</c> (a vat awaiting slow deletion, whose
/// entries SwingSet still counts), <c>device-c-list</c>, <c>run-queue</c>, <c>acceptance-queue</c>,
/// <c>upgrade-events</c>, <c>promise-queue</c>, <c>resolution-data</c>, <c>vat-parameters</c> or <c>pinned</c>;
/// <see cref="Key"/> is the kvStore key of the row that holds it.
/// </summary>
internal sealed record SwingStoreHolder(string Kind, string Key, string Detail);

/// <summary>
/// A kref whose stored count differs from the recount. <see cref="Stored"/> and <see cref="Found"/> are a
/// promise's refCount or an object's "reachable,recognizable"; <see cref="Classification"/> is one of the
/// <see cref="SwingStoreAudit"/> constants; <see cref="Evidence"/> says why it was so classified.
/// </summary>
internal sealed record RefcountFinding(
    string Kref,
    string Classification,
    string Stored,
    string Found,
    string? State,
    string? Decider,
    IReadOnlyList<SwingStoreHolder> Holders,
    IReadOnlyList<string> Evidence);

/// <summary>
/// What <see cref="SwingStoreAudit.Run(string)"/> found: the refcount discrepancies, and what it recounted
/// (entries of terminated vats awaiting deletion and of devices are counted as holders, never reported).
/// </summary>
internal sealed record SwingStoreAuditReport(
    string? Version,
    IReadOnlyList<string> LiveVats,
    IReadOnlyList<string> TerminatedVats,
    int Promises,
    int Objects,
    long CListEntries,
    long TerminatedVatCListEntries,
    long DeviceCListEntries,
    long RowsRead,
    TimeSpan Elapsed,
    IReadOnlyList<RefcountFinding> Findings)
{
    /// <summary>True when every stored count equals its recount.</summary>
    public bool IsClean => Findings.Count == 0;
}

/// <summary>
/// A full recount of a SwingSet swing-store's reference counts, by SwingSet's own rules (kernelKeeper.js):
/// a promise's refCount counts every c-list entry (importer or decider, any vat or device), every run-queue,
/// acceptance-queue and <c>upgradeEvents</c> event that names it (send target, result and argument slots;
/// notify), every message queued on a promise (the promise itself, result and slots), and every slot of a
/// settled promise's data; an object's "reachable,recognizable" counts importing c-list entries (exports do
/// not count; a vat's <c>_</c> entry only recognizes), device imports, queued messages, resolution data,
/// <c>vNN.vatParameters</c> and <c>pinnedObjects</c>. Device nodes (<c>kd</c>) are not counted, as in SwingSet.
/// It reads the kvStore table once, in key order, and changes nothing.
/// <para>
/// SwingSet does not record the host's holds: <c>queueToVatRoot</c>/<c>queueToVatObject</c> increment the
/// result promise's refCount (<c>kpRegisterInterest</c>, the "external" tag) and so does the bootstrap result,
/// until the host reads it with <c>kpResolution</c>, which in turn increments the slots of what it returns. So a
/// stored count one above the recount on a promise no vat made can be a live host hold; the audit says
/// "possible external hold" and shows why.
/// </para>
/// </summary>
internal static class SwingStoreAudit
{
    /// <summary>A promise whose decider was a terminated vat and that nothing holds: SwingSet's pre-fix terminated-vat
    /// cleanup deleted the c-list entries without decrementing the counts.</summary>
    public const string CleanupZombie = "cleanup-zombie";

    /// <summary>An over-count on a promise a terminated vat decided or imported, which something still holds.</summary>
    public const string TerminatedVatOverCount = "terminated-vat-over-count";

    /// <summary>An over-count of one on a promise no vat made and no terminated vat touched: the host may hold it.</summary>
    public const string PossibleExternalHold = "possible-external-hold";

    /// <summary>Any other stored count above the recount.</summary>
    public const string OverCount = "over-count";

    /// <summary>A stored count below the recount (the kref could be freed while still in use).</summary>
    public const string UnderCount = "under-count";

    /// <summary>A kref that is referenced, or has rows, but lacks its record (<c>kpN.state</c>, <c>koN.refCount</c>).</summary>
    public const string MissingRecord = "missing-record";

    /// <summary>The kernel's rejection of the promises a terminated vat decided (kmarshal smallcaps form).</summary>
    private const string VatTerminatedBody = "#{\"#error\":\"vat terminated\",\"name\":\"Error\"}";

    /// <summary>Recounts a swing-store SQLite file, opened read-only; throws <see cref="ScanInputException"/> on bad input.</summary>
    public static SwingStoreAuditReport Run(string path)
    {
        var clock = Stopwatch.StartNew();
        using var db = SwingStoreScanner.Open(path);
        try
        {
            using var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT key, value FROM kvStore ORDER BY key";
            using var reader = cmd.ExecuteReader();
            return Run(Rows(reader), clock);
        }
        catch (SqliteException e)
        {
            throw new ScanInputException($"{path} cannot be read ({e.Message.TrimEnd('.')})");
        }
    }

    private static IEnumerable<(string Key, string Value)> Rows(SqliteDataReader reader)
    {
        while (reader.Read()) yield return (reader.GetString(0), reader.IsDBNull(1) ? "" : reader.GetString(1));
    }

    /// <summary>One count found; a c-list entry's description is built only if it is shown in a finding.</summary>
    /// <summary>One count found; a c-list entry's description is built only if it is shown in a finding.</summary>
    private sealed class Hold(string kind, string key, string? detail, string? vat = null, string? vref = null, bool reachable = true)
    {
        public string Kind => kind;
        public string Key => key;
        public string? Vat => vat;
        public bool Reachable => reachable;
        public bool VatExport => vref is { Length: > 1 } && vref[1] == '+';

        public string Detail => detail
            ?? $"{vat} {(VatExport ? "exports" : "imports")} it as {vref}{(vref is { Length: > 0 } && vref[0] == 'o' && !reachable ? " (recognizable only)" : "")}";
    }

    private sealed class PromiseRecord
    {
        public string? State;
        public string? RefCount;
        public string? Decider;
        public string Subscribers = "";
        public string? Policy;
        public string? DataBody;
    }

    private sealed class ObjectRecord
    {
        public string? RefCount;
        public string? Owner;
    }

    /// <summary>Recounts kvStore rows given in key order.</summary>
    internal static SwingStoreAuditReport Run(IEnumerable<(string Key, string Value)> rows, Stopwatch clock)
    {
        var promises = new SortedDictionary<string, PromiseRecord>(KrefOrder.Instance);
        var objects = new SortedDictionary<string, ObjectRecord>(KrefOrder.Instance);
        var holds = new Dictionary<string, List<Hold>>(StringComparer.Ordinal);
        var staticVats = new List<string>();
        List<string> dynamicVats = [], terminated = [];
        var gcActions = new HashSet<GcAction>();
        string? version = null;
        var bounds = new Dictionary<string, (long Head, long Tail)>(StringComparer.Ordinal);
        long rowsRead = 0, clistEntries = 0, deviceEntries = 0;

        void Add(string kref, Hold hold)
        {
            if (!IsKref(kref)) throw new ScanInputException($"{hold.Key} names '{kref}', which is not a kref");
            if (kref.StartsWith("kd", StringComparison.Ordinal)) return; // device nodes are not refcounted
            if (!holds.TryGetValue(kref, out var list)) holds[kref] = list = [];
            list.Add(hold);
        }

        void AddEvent(string json, string kind, string key)
        {
            using var doc = ParseJson(json, key);
            var e = doc.RootElement;
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("type", out var type)) return;
            switch (type.GetString())
            {
                case "send":
                    if (e.TryGetProperty("target", out var target)) Add(Str(target, key), new Hold(kind, key, "send target"));
                    if (e.TryGetProperty("msg", out var msg)) AddMessage(msg, kind, key, "send");
                    break;
                case "notify":
                    var vat = e.TryGetProperty("vatID", out var v) ? v.GetString() : "?";
                    if (e.TryGetProperty("kpid", out var kpid)) Add(Str(kpid, key), new Hold(kind, key, $"notify to {vat}"));
                    break;
                case "create-vat" or "upgrade-vat":
                    if (e.TryGetProperty("vatParameters", out var p)) AddSlots(p, kind, key, $"{type.GetString()} vatParameters slot");
                    break;
            }
        }

        void AddMessage(JsonElement msg, string kind, string key, string what)
        {
            if (msg.ValueKind != JsonValueKind.Object) return;
            if (msg.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.String)
                Add(result.GetString()!, new Hold(kind, key, $"{what} result"));
            if (msg.TryGetProperty("methargs", out var methargs)) AddSlots(methargs, kind, key, $"{what} argument slot");
        }

        void AddSlots(JsonElement capdata, string kind, string key, string what)
        {
            if (capdata.ValueKind != JsonValueKind.Object || !capdata.TryGetProperty("slots", out var slots) || slots.ValueKind != JsonValueKind.Array) return;
            var i = 0;
            foreach (var s in slots.EnumerateArray()) Add(Str(s, key), new Hold(kind, key, $"{what} {i++}"));
        }

        foreach (var (key, value) in rows)
        {
            rowsRead++;
            var dot = key.IndexOf('.', StringComparison.Ordinal);
            var head = dot < 0 ? key : key[..dot];
            var rest = dot < 0 ? "" : key[(dot + 1)..];
            if (IsKref(head))
            {
                if (head[1] == 'p')
                {
                    var p = promises.TryGetValue(head, out var r) ? r : promises[head] = new PromiseRecord();
                    switch (rest)
                    {
                        case KvKeys.Field.State: p.State = value; break;
                        case KvKeys.Field.RefCount: p.RefCount = value; break;
                        case KvKeys.Field.Decider: p.Decider = value; break;
                        case KvKeys.Field.Subscribers: p.Subscribers = value; break;
                        case KvKeys.Field.Policy: p.Policy = value; break;
                        case KvKeys.Field.DataBody: p.DataBody = value; break;
                        case KvKeys.Field.DataSlots:
                            var slots = value.Length == 0 ? [] : value.Split(',');
                            for (var i = 0; i < slots.Length; i++) Add(slots[i], new Hold("resolution-data", key, $"slot {i} of {head}'s resolution"));
                            break;
                        default:
                            if (rest.StartsWith(KvKeys.Field.QueuePrefix, StringComparison.Ordinal) && IsDigits(rest.AsSpan(KvKeys.Field.QueuePrefix.Length)))
                            {
                                Add(head, new Hold("promise-queue", key, $"message queued on {head} (its target)"));
                                using var doc = ParseJson(value, key);
                                AddMessage(doc.RootElement, "promise-queue", key, $"message queued on {head}:");
                            }
                            break;
                    }
                }
                else if (head[1] == 'o')
                {
                    var o = objects.TryGetValue(head, out var r) ? r : objects[head] = new ObjectRecord();
                    if (rest == KvKeys.Field.RefCount) o.RefCount = value;
                    else if (rest == KvKeys.Field.Owner) o.Owner = value;
                }
                continue;
            }
            if (IsId(head, 'v') && rest.StartsWith(KvKeys.Field.CListPrefix, StringComparison.Ordinal))
            {
                var slot = rest[KvKeys.Field.CListPrefix.Length..];
                if (!IsKref(slot)) continue; // the vref-to-kref half of the entry
                clistEntries++;
                if (!KvKeys.TryParseCListKrefValue(value, out var reachable, out var vref)) throw new ScanInputException(KvKeys.NotACListKrefValue(key, value));
                if (slot[1] == 'o' && value.Length > 3 && value[3] == '+') continue; // an object's owner holds no count
                Add(slot, new Hold("c-list", key, null, head, vref, reachable));
                continue;
            }
            if (IsId(head, 'v') && rest == KvKeys.Field.VatParameters)
            {
                using var doc = ParseJson(value, key);
                AddSlots(doc.RootElement, "vat-parameters", key, "slot");
                continue;
            }
            if (IsId(head, 'd') && rest.StartsWith(KvKeys.Field.CListPrefix, StringComparison.Ordinal))
            {
                var slot = rest[KvKeys.Field.CListPrefix.Length..];
                if (!IsKref(slot)) continue;
                deviceEntries++;
                // a device imports objects (o-N) and promises (p-N); devices keep both counts on an import
                if (slot[1] != 'd' && value.Length > 1 && value[1] == '-') Add(slot, new Hold("device-c-list", key, $"{head} imports it as {value}"));
                continue;
            }
            if (head is KvKeys.RunQueue or KvKeys.AcceptanceQueue)
            {
                var kind = head == KvKeys.RunQueue ? "run-queue" : "acceptance-queue";
                if (rest.Length == 0) bounds[head] = ReadBounds(key, value);
                else if (IsDigits(rest) && bounds.TryGetValue(head, out var b)
                         && long.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i >= b.Head && i < b.Tail)
                    AddEvent(value, kind, key);
                continue;
            }
            switch (key)
            {
                case KvKeys.Version: version = value; break;
                case KvKeys.DynamicVatIds: dynamicVats = ReadList(key, value); break;
                case KvKeys.TerminatedVats: terminated = ReadList(key, value); break;
                case KvKeys.GcActions: gcActions = [.. ReadList(key, value).Select(ReadGcAction)]; break;
                case KvKeys.PinnedObjects:
                    foreach (var k in value.Split(',', StringSplitOptions.RemoveEmptyEntries)) Add(k, new Hold("pinned", key, "pinned by the host"));
                    break;
                case KvKeys.UpgradeEvents:
                    using (var doc = ParseJson(value, key))
                    {
                        if (doc.RootElement.ValueKind != JsonValueKind.Array) throw new ScanInputException($"{key} is not a JSON list");
                        foreach (var e in doc.RootElement.EnumerateArray()) AddEvent(e.GetRawText(), "upgrade-events", key);
                    }
                    break;
                default:
                    if (key.StartsWith(KvKeys.VatNamePrefix, StringComparison.Ordinal)) staticVats.Add(value);
                    break;
            }
        }

        var terminatedSet = terminated.ToHashSet(StringComparer.Ordinal);
        var live = staticVats.Concat(dynamicVats).Where(v => !terminatedSet.Contains(v)).Distinct().ToList();
        var liveSet = live.ToHashSet(StringComparer.Ordinal);
        string VatStatus(string vat) => terminatedSet.Contains(vat) ? $"{vat} is terminated, awaiting slow deletion"
            : liveSet.Contains(vat) ? $"{vat} is live" : $"{vat} is no longer a vat of this kernel (terminated and deleted)";
        SwingStoreHolder Show(Hold h) => new(h.Vat is { } v && terminatedSet.Contains(v) ? "terminated-vat-c-list" : h.Kind, h.Key, h.Detail);
        long terminatedEntries = 0;
        foreach (var list in holds.Values)
            foreach (var h in list)
                if (h.Vat is { } v && terminatedSet.Contains(v)) terminatedEntries++;

        var findings = new List<RefcountFinding>();
        foreach (var (kpid, p) in promises)
        {
            var held = holds.GetValueOrDefault(kpid) ?? [];
            var shown = held.Select(Show).ToList();
            if (p.State is null)
            {
                findings.Add(new RefcountFinding(kpid, MissingRecord, p.RefCount ?? "missing",
                    Count(held.Count), null, p.Decider, shown, [$"{kpid} has rows but no {KvKeys.Of(kpid, KvKeys.Field.State)}"]));
                continue;
            }
            var found = held.Count;
            if (!long.TryParse(p.RefCount, NumberStyles.None, CultureInfo.InvariantCulture, out var stored))
            {
                findings.Add(new RefcountFinding(kpid, MissingRecord, p.RefCount ?? "missing", Count(found), p.State, p.Decider, shown,
                    [$"{KvKeys.Of(kpid, KvKeys.Field.RefCount)} is {(p.RefCount is null ? "missing" : $"'{p.RefCount}', not a count")}"]));
                continue;
            }
            if (stored == found) continue;
            var evidence = new List<string>();
            string classification;
            if (stored < found)
            {
                classification = UnderCount;
                evidence.Add($"{found - stored} holder(s) more than the stored count: SwingSet would delete it while still named");
            }
            else
            {
                var excess = stored - found;
                var deciderGone = p.State == KvKeys.PromiseStateValue.Unresolved && !string.IsNullOrEmpty(p.Decider) && !liveSet.Contains(p.Decider);
                var terminationRejection = p.State == KvKeys.PromiseStateValue.Rejected && IsVatTerminatedRejection(p.DataBody);
                if (deciderGone) evidence.Add($"decider {VatStatus(p.Decider!)}");
                if (terminationRejection) evidence.Add("rejected with the kernel's 'vat terminated' error: its decider was terminated");
                var goneSubscribers = p.Subscribers.Split(',', StringSplitOptions.RemoveEmptyEntries).Where(s => !liveSet.Contains(s)).ToList();
                foreach (var s in goneSubscribers) evidence.Add($"subscriber {VatStatus(s)}");
                var madeByVat = held.Any(h => h.VatExport);
                if (deciderGone || terminationRejection)
                {
                    if (found == 0)
                    {
                        classification = CleanupZombie;
                        evidence.Add(excess == 1
                            ? "nothing holds it: the count left is the terminated vat's c-list entry, deleted without a decrement"
                            : $"nothing holds it; {excess} counts left: one per terminated vat whose c-list entry was deleted without a decrement, or another unrecorded hold");
                    }
                    else
                    {
                        classification = TerminatedVatOverCount;
                        evidence.Add($"{excess} count(s) above its {found} holder(s): it becomes a cleanup zombie when they let go");
                    }
                }
                else if (goneSubscribers.Count > 0)
                {
                    classification = TerminatedVatOverCount;
                    evidence.Add($"{excess} count(s) above its {found} holder(s), as a terminated importer's c-list entry deleted without a decrement leaves");
                }
                else if (excess == 1 && !madeByVat)
                {
                    classification = PossibleExternalHold;
                    evidence.Add(p.Policy is { } policy
                        ? $"{kpid}.policy is '{policy}': the result of a message the kernel or host queued (queueToKref)"
                        : "no vat holds it as its own export (p+), so no vat made it"
                            + ": it can be the result of a host's queueToVatRoot/queueToVatObject, whose hold SwingSet does not record");
                }
                else
                {
                    classification = OverCount;
                    if (madeByVat) evidence.Add("a vat holds it as its own export (p+): a vat made it, so it is not a host-held result");
                }
            }
            findings.Add(new RefcountFinding(kpid, classification, p.RefCount!, Count(found), p.State, NullIfEmpty(p.Decider), shown, evidence));
        }

        foreach (var (koid, o) in objects)
        {
            var held = holds.GetValueOrDefault(koid) ?? [];
            var (r, c) = (held.Count(h => h.Reachable), held.Count);
            var shown = held.Select(Show).ToList();
            var owner = o.Owner is { Length: > 0 } ow ? $"owner {VatStatus(ow)}" : "orphaned (no owner)";
            var parts = o.RefCount?.Split(',');
            if (parts is not { Length: 2 }
                || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var sr)
                || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var sc))
            {
                findings.Add(new RefcountFinding(koid, MissingRecord, o.RefCount ?? "missing", $"{r},{c}", null, null, shown,
                    [$"{KvKeys.Of(koid, KvKeys.Field.RefCount)} is {(o.RefCount is null ? "missing" : $"'{o.RefCount}', not 'reachable,recognizable'")}", owner]));
                continue;
            }
            if (sr == r && sc == c) continue;
            var under = sr < r || sc < c;
            findings.Add(new RefcountFinding(koid, under ? UnderCount : OverCount, o.RefCount!, $"{r},{c}", null, null, shown,
            [
                owner,
                under ? "fewer counts than holders: SwingSet would drop or retire it while still named"
                      : "SwingSet does not record holds the host takes on objects (kpResolution increments the slots of a resolution it returns; addExport increments the export)",
            ]));
        }

        foreach (var (kref, held) in holds.OrderBy(h => h.Key, KrefOrder.Instance))
        {
            if (kref[1] == 'p' ? promises.ContainsKey(kref) : objects.ContainsKey(kref)) continue;
            // an import of a deleted object stays in the c-list until its retireImports is delivered
            if (kref[1] == 'o' && Kref.TryParse(kref, out var ko) && held.All(h => h.Vat is { } v && gcActions.Contains(new GcAction(v, GcActionKind.RetireImport, ko)))) continue;
            findings.Add(new RefcountFinding(kref, MissingRecord, "missing", Count(held.Count), null, null, [.. held.Select(Show)],
                [$"named by {held.Count} holder(s) but {kref} is not in the kernel tables"]));
        }

        return new SwingStoreAuditReport(version, live, terminated, promises.Count, objects.Count, clistEntries, terminatedEntries, deviceEntries,
            rowsRead, clock.Elapsed, findings);
    }

    /// <summary>True for the data the kernel rejects a terminated vat's promises with (smallcaps or the older JSON form).</summary>
    private static bool IsVatTerminatedRejection(string? body)
    {
        if (body is null) return false;
        if (body == VatTerminatedBody) return true;
        try
        {
            using var doc = JsonDocument.Parse(body.StartsWith('#') ? body[1..] : body);
            var e = doc.RootElement;
            if (e.ValueKind != JsonValueKind.Object) return false;
            var message = e.TryGetProperty("#error", out var m) ? m : e.TryGetProperty("message", out var m2) ? m2 : default;
            var isError = e.TryGetProperty("#error", out _) || (e.TryGetProperty("@qclass", out var q) && q.ValueKind == JsonValueKind.String && q.GetString() == "error");
            return isError && message.ValueKind == JsonValueKind.String && message.GetString() == "vat terminated";
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Count(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    private static JsonDocument ParseJson(string json, string key)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            throw new ScanInputException($"{key} is not valid JSON: {(json.Length <= 60 ? json : json[..60] + "...")}");
        }
    }

    private static string Str(JsonElement e, string key) =>
        e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new ScanInputException($"{key} names a kref that is not a string: {e.GetRawText()}");

    private static (long, long) ReadBounds(string key, string json)
    {
        try
        {
            var ht = JsonSerializer.Deserialize<long[]>(json);
            if (ht is { Length: 2 }) return (ht[0], ht[1]);
        }
        catch (JsonException)
        {
        }
        throw new ScanInputException($"{key} is not [head, tail]: {json}");
    }

    private static GcAction ReadGcAction(string stored) =>
        GcAction.TryParse(stored, out var action) ? action : throw new ScanInputException(GcAction.NotAnAction(stored));

    private static List<string> ReadList(string key, string json)
    {
        try
        {
            return JsonSerializer.Deserialize<List<string>>(json) ?? throw new JsonException();
        }
        catch (JsonException)
        {
            throw new ScanInputException($"{key} is not a JSON list of strings: {json}");
        }
    }

    private static bool IsDigits(ReadOnlySpan<char> s) => s.Length > 0 && s.IndexOfAnyExceptInRange('0', '9') < 0;

    private static bool IsId(string s, char prefix) => s.Length > 1 && s[0] == prefix && IsDigits(s.AsSpan(1));

    private static bool IsKref(string s) => s.Length > 2 && s[0] == 'k' && s[1] is 'o' or 'p' or 'd' && IsDigits(s.AsSpan(2));

    /// <summary>krefs by type, then number (kp9 before kp10).</summary>
    private sealed class KrefOrder : IComparer<string>
    {
        public static readonly KrefOrder Instance = new();

        public int Compare(string? x, string? y)
        {
            if (x is null || y is null) return string.CompareOrdinal(x, y);
            var byType = string.CompareOrdinal(x[..2], y[..2]);
            if (byType != 0) return byType;
            var byLength = x.Length.CompareTo(y.Length);
            return byLength != 0 ? byLength : string.CompareOrdinal(x, y);
        }
    }
}
