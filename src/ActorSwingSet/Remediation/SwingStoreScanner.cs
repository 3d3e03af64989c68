using System.Diagnostics;
using System.Text.Json;
using ActorSwingSet.Schema;
using Microsoft.Data.Sqlite;

namespace ActorSwingSet.Remediation;

/// <summary>A (vat, kpid) pair that needs remediation, as found in a stored kvStore.</summary>
internal sealed record DamagedPromise(string VatId, string Kpid, string Vref, string State);

/// <summary>
/// What a scan found and what it cost: rows read, queries made, writes a repair would make, time taken.
/// <see cref="StoredVersion"/> is the store's <c>version</c> key (null when absent, as in SwingSet's schema v0);
/// <see cref="RemediationDue"/> is false when SwingSet's <c>upgradeSwingset</c> would skip the #9039 step
/// (version 3 or later), and then <see cref="Damaged"/> is empty.
/// </summary>
internal sealed record ScanResult(
    IReadOnlyList<DamagedPromise> Damaged,
    int VatsScanned,
    long PromiseEntriesRead,
    long RowsRead,
    long Queries,
    long WritesToRepair,
    TimeSpan Elapsed,
    string? StoredVersion = null,
    bool RemediationDue = true);

/// <summary>The file cannot be scanned: missing, not SQLite, or not a swing-store.</summary>
internal sealed class ScanInputException(string message) : Exception(message);

/// <summary>
/// Finds SwingSet #9039 damage in a real SwingSet swing-store (a SQLite file with <c>kvStore(key, value)</c>,
/// opened read-only) or in an ActorSwingSet kernel's committed state (the same schema), the way SwingSet's
/// <c>upgradeSwingset</c> does it: for every live vat (static vats in <c>vat.name.*</c> key order, then
/// <c>vat.dynamicIDs</c>, less <c>vats.terminated</c>) it reads only the promise part of the c-list
/// (<c>vN.c.kp*</c>, one range query per vat) and each such promise's state, and skips settled promises with a
/// notify to that vat pending in the run-queue or acceptance queue (between head and tail). Notifies already held
/// in <c>upgradeEvents</c> are not pending notifies, as in SwingSet. A swing-store at version 3 or later gets
/// nothing (SwingSet skips the step); a store that SwingSet's upgrade would fail on (a missing
/// <c>kpN.state</c>, a missing required key, a failed assertion of an earlier schema step) is refused with
/// <see cref="ScanInputException"/>.
/// </summary>
internal static class SwingStoreScanner
{
    /// <summary>Writes a repair makes per promise: the held notify and the refcount increment.</summary>
    public const int WritesPerRepair = 2;

    /// <summary>Scans a swing-store SQLite file, opened read-only, following its stored <c>version</c> as SwingSet does.</summary>
    public static ScanResult Scan(string path, IProgress<(int Done, int Total)>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        using var db = Open(path);
        try
        {
            return Scan(new SqliteReader(db), progress, clock, followStoredVersion: true);
        }
        catch (SqliteException e)
        {
            throw new ScanInputException($"{path} cannot be read ({e.Message.TrimEnd('.')})");
        }
    }

    /// <summary>
    /// Scans state in kvStore form held in memory (an ActorSwingSet kernel's committed state). Unlike a swing-store
    /// scan it ignores the stored <c>version</c>: it lists what the v2-to-v3 step would repair if the state were at
    /// version 2, because a current kernel can still hold settled promises in a c-list (a vat that never
    /// subscribed), which a verified-claims repair can fix.
    /// </summary>
    public static ScanResult Scan(IReadOnlyDictionary<string, string> state, IProgress<(int Done, int Total)>? progress = null) =>
        Scan(new SortedReader(state), progress, Stopwatch.StartNew(), followStoredVersion: false);

    /// <summary>Point and range reads over a kvStore, counting what they cost.</summary>
    private abstract class Reader
    {
        public long Queries;
        public long Rows;
        public abstract string? Get(string key);
        public abstract List<(string Key, string Value)> Range(string from, string to);

        /// <summary>The values of many keys (missing ones are absent from the result).</summary>
        public abstract Dictionary<string, string> GetMany(IReadOnlyList<string> keys);
    }

    private sealed class SqliteReader(SqliteConnection db) : Reader
    {
        private const int Batch = 500;

        public override Dictionary<string, string> GetMany(IReadOnlyList<string> keys)
        {
            var found = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var start = 0; start < keys.Count; start += Batch)
            {
                Queries++;
                using var cmd = db.CreateCommand();
                var n = Math.Min(Batch, keys.Count - start);
                var names = new string[n];
                for (var i = 0; i < n; i++)
                {
                    names[i] = "$k" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    cmd.Parameters.AddWithValue(names[i], keys[start + i]);
                }
                cmd.CommandText = $"SELECT key, value FROM kvStore WHERE key IN ({string.Join(",", names)})";
                using var r = cmd.ExecuteReader();
                while (r.Read()) found[r.GetString(0)] = r.IsDBNull(1) ? "" : r.GetString(1);
            }
            Rows += found.Count;
            return found;
        }

        public override string? Get(string key)
        {
            Queries++;
            using var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT value FROM kvStore WHERE key = $k";
            cmd.Parameters.AddWithValue("$k", key);
            var v = cmd.ExecuteScalar() as string;
            if (v is not null) Rows++;
            return v;
        }

        public override List<(string Key, string Value)> Range(string from, string to)
        {
            Queries++;
            using var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT key, value FROM kvStore WHERE key >= $a AND key < $b ORDER BY key";
            cmd.Parameters.AddWithValue("$a", from);
            cmd.Parameters.AddWithValue("$b", to);
            using var r = cmd.ExecuteReader();
            var list = new List<(string, string)>();
            while (r.Read()) list.Add((r.GetString(0), r.IsDBNull(1) ? "" : r.GetString(1)));
            Rows += list.Count;
            return list;
        }
    }

    private sealed class SortedReader(IReadOnlyDictionary<string, string> state) : Reader
    {
        public override Dictionary<string, string> GetMany(IReadOnlyList<string> keys)
        {
            Queries++;
            var found = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var k in keys)
                if (state.TryGetValue(k, out var v)) found[k] = v;
            Rows += found.Count;
            return found;
        }

        private readonly string[] _keys = [.. state.Keys.Order(StringComparer.Ordinal)];

        public override string? Get(string key)
        {
            Queries++;
            if (!state.TryGetValue(key, out var v)) return null;
            Rows++;
            return v;
        }

        public override List<(string Key, string Value)> Range(string from, string to)
        {
            Queries++;
            var i = Array.BinarySearch(_keys, from, StringComparer.Ordinal);
            if (i < 0) i = ~i;
            var list = new List<(string, string)>();
            for (; i < _keys.Length && string.CompareOrdinal(_keys[i], to) < 0; i++) list.Add((_keys[i], state[_keys[i]]));
            Rows += list.Count;
            return list;
        }
    }

    private static ScanResult Scan(Reader kv, IProgress<(int Done, int Total)>? progress, Stopwatch clock, bool followStoredVersion)
    {
        var storedVersion = kv.Get(KvKeys.Version);
        var version = followStoredVersion ? JsNumberOrZero(storedVersion) : 2;
        if (version >= 3) return new ScanResult([], 0, 0, kv.Rows, kv.Queries, 0, clock.Elapsed, storedVersion, RemediationDue: false);

        var staticVats = kv.Range(KvKeys.VatNamePrefix, KvKeys.PrefixEnd(KvKeys.VatNamePrefix))
            .Where(e => e.Key.Length > KvKeys.VatNamePrefix.Length).Select(e => e.Value).ToList();
        var dynamicVats = ReadJsonList(Required(kv, KvKeys.DynamicVatIds), KvKeys.DynamicVatIds);
        if (version < 1) CheckVersion0(kv, [.. staticVats, .. dynamicVats]);
        HashSet<string> terminated;
        if (version < 2)
        {
            // the v1-to-v2 step asserts that vats.terminated does not exist yet, then creates it empty
            if (kv.Get(KvKeys.TerminatedVats) is not null)
                throw Refuse($"{KvKeys.TerminatedVats} exists in a version-{storedVersion ?? "0"} store (the v1-to-v2 step asserts it does not)");
            terminated = [];
        }
        else terminated = ReadJsonList(Required(kv, KvKeys.TerminatedVats), KvKeys.TerminatedVats).ToHashSet(StringComparer.Ordinal);
        var live = staticVats.Concat(dynamicVats).Where(v => !terminated.Contains(v)).ToList();

        var pending = new HashSet<(string, string)>();
        foreach (var queue in KvKeys.Queues)
            foreach (var json in ReadQueue(kv, queue)) AddNotify(json, queue, pending);

        long entries = 0;
        var stateOf = new Dictionary<string, string>(StringComparer.Ordinal); // SwingSet caches each kpid's state too
        var damaged = new List<DamagedPromise>();
        var done = 0;
        foreach (var vatId in live)
        {
            // the promise part of this vat's c-list (vN.c.kpM) in one range read, then its promises' states in batches
            var prefix = KvKeys.CListPromisePrefix(vatId);
            var clist = kv.Range(prefix, KvKeys.PrefixEnd(prefix)).Where(e => e.Key.Length > prefix.Length).ToList();
            entries += clist.Count;
            var kpids = clist.Select(e => KvKeys.CListSlot(vatId, e.Key)).ToList();
            var states = kv.GetMany([.. kpids.Where(k => !stateOf.ContainsKey(k)).Distinct().Select(k => KvKeys.Of(k, KvKeys.Field.State))]);
            for (var i = 0; i < clist.Count; i++)
            {
                var kpid = kpids[i];
                if (!stateOf.TryGetValue(kpid, out var state))
                {
                    state = states.GetValueOrDefault(KvKeys.Of(kpid, KvKeys.Field.State));
                    if (string.IsNullOrEmpty(state)) throw Refuse($"{KvKeys.Of(kpid, KvKeys.Field.State)} is missing ({vatId} holds {kpid} in its c-list)");
                    stateOf[kpid] = state;
                }
                // SwingSet: anything but 'unresolved' counts as settled
                if (state == KvKeys.PromiseStateValue.Unresolved || pending.Contains((vatId, kpid))) continue;
                var value = clist[i].Value;
                var vref = value.Length > 2 && value[1] == ' ' ? value[2..] : value;
                damaged.Add(new DamagedPromise(vatId, kpid, vref, state));
            }
            progress?.Report((++done, live.Count));
        }
        return new ScanResult(damaged, live.Count, entries, kv.Rows, kv.Queries, damaged.Count * WritesPerRepair, clock.Elapsed, storedVersion);
    }

    /// <summary>The preconditions SwingSet's v0-to-v1 step asserts (kernel-wide keys, then each vat's reap keys).</summary>
    private static void CheckVersion0(Reader kv, IReadOnlyList<string> vats)
    {
        if (kv.Get(KvKeys.Initialized) is null) throw Refuse($"a store without a version has no '{KvKeys.Initialized}' key (the v0-to-v1 step asserts it)");
        var interval = Required(kv, KvKeys.DefaultReapInterval);
        if (kv.Get(KvKeys.DefaultReapDirtThreshold) is not null)
            throw Refuse($"a store without a version already has {KvKeys.DefaultReapDirtThreshold} (the v0-to-v1 step asserts it does not)");
        if (interval != KvKeys.Never) ParseDecimal(interval, KvKeys.DefaultReapInterval);
        string ReapInterval(string v) => KvKeys.Of(v, KvKeys.Field.ReapInterval);
        string ReapCountdown(string v) => KvKeys.Of(v, KvKeys.Field.ReapCountdown);
        var keys = vats.SelectMany(v => new[] { ReapInterval(v), ReapCountdown(v), KvKeys.VatOptions(v), KvKeys.VatReapDirt(v) }).ToList();
        var found = kv.GetMany(keys);
        foreach (var v in vats)
        {
            if (found.ContainsKey(KvKeys.VatReapDirt(v))) throw Refuse($"{KvKeys.VatReapDirt(v)} exists in a store without a version (the v0-to-v1 step asserts it does not)");
            var vi = found.GetValueOrDefault(ReapInterval(v)) ?? throw Refuse($"storage lacks required key {ReapInterval(v)}");
            var vc = found.GetValueOrDefault(ReapCountdown(v)) ?? throw Refuse($"storage lacks required key {ReapCountdown(v)}");
            if ((vi == KvKeys.Never) != (vc == KvKeys.Never))
                throw Refuse($"{v}: {KvKeys.Field.ReapInterval}={vi}, {KvKeys.Field.ReapCountdown}={vc} (the v0-to-v1 step asserts both or neither are 'never')");
            if (vi != KvKeys.Never)
            {
                ParseDecimal(vi, ReapInterval(v));
                ParseDecimal(vc, ReapCountdown(v));
            }
            var options = found.GetValueOrDefault(KvKeys.VatOptions(v)) ?? throw Refuse($"storage lacks required key {KvKeys.VatOptions(v)}");
            if (!IsJsonObject(options)) throw Refuse($"{KvKeys.VatOptions(v)} is not a JSON object: {Shorten(options)}");
        }
    }

    private static bool IsJsonObject(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void ParseDecimal(string digits, string label)
    {
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit)) throw Refuse($"expected {label}={digits} to be a decimal integer");
    }

    /// <summary>SwingSet's <c>readQueue</c>: every entry from head to tail must exist; entries outside are not read.</summary>
    private static IEnumerable<string> ReadQueue(Reader kv, string queue)
    {
        var bounds = Required(kv, queue);
        long head, tail;
        try
        {
            var ht = JsonSerializer.Deserialize<long[]>(bounds);
            if (ht is not { Length: 2 }) throw new JsonException();
            (head, tail) = (ht[0], ht[1]);
        }
        catch (JsonException)
        {
            throw Refuse($"{queue} is not [head, tail]: {Shorten(bounds)}");
        }
        var prefix = KvKeys.QueueEntry(queue, "");
        var rows = kv.Range(prefix, KvKeys.PrefixEnd(prefix)).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        for (var i = head; i < tail; i++)
        {
            var key = KvKeys.QueueEntry(queue, i);
            yield return rows.GetValueOrDefault(key) ?? throw Refuse($"storage lacks required key {key}");
        }
    }

    private static string Required(Reader kv, string key) => kv.Get(key) ?? throw Refuse($"storage lacks required key {key}");

    private static ScanInputException Refuse(string why) => new($"SwingSet's upgradeSwingset would fail on this store: {why}");

    private static string Shorten(string s) => s.Length <= 80 ? s : s[..80] + "...";

    /// <summary>JavaScript's <c>Number(s) || 0</c> for the stored version: a missing, empty or non-numeric value is 0.</summary>
    internal static double JsNumberOrZero(string? s)
    {
        if (s is null) return 0;
        var t = s.Trim();
        if (t.Length == 0) return 0;
        double n;
        if (t.Length > 2 && t[0] == '0' && (t[1] | 0x20) is 'x' or 'o' or 'b')
        {
            var radix = (t[1] | 0x20) switch { 'x' => 16, 'o' => 8, _ => 2 };
            n = 0;
            foreach (var c in t[2..])
            {
                var d = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiLetter(c) ? (c | 0x20) - 'a' + 10 : 99;
                if (d >= radix) return 0;
                n = n * radix + d;
            }
            return n;
        }
        var plain = t.TrimStart('+', '-');
        var numeric = plain == "Infinity" || (plain.Length > 0 && plain.All(c => char.IsAsciiDigit(c) || c is '.' or 'e' or 'E' or '+' or '-'));
        if (!numeric || !double.TryParse(t, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out n) || double.IsNaN(n))
            return 0;
        return n;
    }

    /// <summary>Opens a swing-store read-only, checking that it is SQLite and has a <c>kvStore</c> table.</summary>
    internal static SqliteConnection Open(string path)
    {
        if (Directory.Exists(path)) throw new ScanInputException($"{path} is a directory, not a swing-store file");
        if (Persistence.ReadOnlySqlite.DanglingLink(path) is { } dangling) throw new ScanInputException(dangling);
        if (!File.Exists(path)) throw new ScanInputException($"no such file: {path}");
        // also a FIFO or a device (their length is 0), whose opening would block or read forever
        if (new FileInfo(path).Length == 0) throw new ScanInputException($"{path} is an empty file, not a swing-store");
        if (Persistence.ReadOnlySqlite.Unreadable(path) is { } unreadable) throw new ScanInputException(unreadable);
        var db = new SqliteConnection(Persistence.ReadOnlySqlite.ConnectionString(path));
        try
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'kvStore'";
            if (Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
                throw new ScanInputException($"{path} is a SQLite database but not a swing-store (it has no kvStore table)");
            return db;
        }
        catch (SqliteException e)
        {
            db.Dispose();
            throw new ScanInputException($"{path} is not a SQLite database ({e.Message.TrimEnd('.')})");
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    private static void AddNotify(string json, string queue, HashSet<(string, string)> into)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var e = doc.RootElement;
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("type", out var t) || t.ValueKind != JsonValueKind.String || t.GetString() != "notify") return;
            // SwingSet asserts both are present on a queued notify
            var vat = e.TryGetProperty("vatID", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var kpid = e.TryGetProperty("kpid", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
            if (string.IsNullOrEmpty(vat) || string.IsNullOrEmpty(kpid)) throw Refuse($"a notify in the {queue} lacks its vatID or kpid: {Shorten(json)}");
            into.Add((vat, kpid));
        }
        catch (JsonException)
        {
            throw Refuse($"an entry of the {queue} is not JSON: {Shorten(json)}");
        }
    }

    private static List<string> ReadJsonList(string json, string key)
    {
        try
        {
            return JsonSerializer.Deserialize<List<string>>(json) ?? throw new JsonException();
        }
        catch (JsonException)
        {
            throw Refuse($"{key} is not a JSON list of vat IDs: {Shorten(json)}");
        }
    }
}
