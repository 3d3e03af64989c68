using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace ActorSwingSet.Remediation;

/// <summary>A (vat, kpid) pair that needs remediation, as found in a stored kvStore.</summary>
public sealed record DamagedPromise(string VatId, string Kpid, string Vref, string State);

/// <summary>What a scan found and what it cost: rows read, queries made, writes a repair would make, time taken.</summary>
public sealed record ScanResult(
    IReadOnlyList<DamagedPromise> Damaged,
    int VatsScanned,
    long PromiseEntriesRead,
    long RowsRead,
    long Queries,
    long WritesToRepair,
    TimeSpan Elapsed);

/// <summary>The file cannot be scanned: missing, not SQLite, or not a swing-store.</summary>
public sealed class ScanInputException(string message) : Exception(message);

/// <summary>
/// Finds SwingSet #9039 damage in a real SwingSet swing-store (a SQLite file with <c>kvStore(key, value)</c>,
/// opened read-only) or in an ActorSwingSet kernel's committed state (the same schema): for every live vat it reads only the promise part of the c-list (one range query per vat)
/// and each such promise's state, and skips promises with a notify to that vat already queued. The result is the
/// set SwingSet's own v2-to-v3 upgrade would repair.
/// </summary>
public static class SwingStoreScanner
{
    /// <summary>Writes a repair makes per promise: the held notify and the refcount increment.</summary>
    public const int WritesPerRepair = 2;

    /// <summary>Scans a swing-store SQLite file, opened read-only.</summary>
    public static ScanResult Scan(string path, IProgress<(int Done, int Total)>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        if (Directory.Exists(path)) throw new ScanInputException($"{path} is a directory, not a swing-store file");
        if (!File.Exists(path)) throw new ScanInputException($"no such file: {path}");
        using var db = Open(path);
        return Scan(new SqliteReader(db), progress, clock);
    }

    /// <summary>Scans state in kvStore form held in memory (an ActorSwingSet kernel's committed state).</summary>
    public static ScanResult Scan(IReadOnlyDictionary<string, string> state, IProgress<(int Done, int Total)>? progress = null) =>
        Scan(new SortedReader(state), progress, Stopwatch.StartNew());

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
                while (r.Read()) found[r.GetString(0)] = r.GetString(1);
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
            while (r.Read()) list.Add((r.GetString(0), r.GetString(1)));
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

    private static ScanResult Scan(Reader kv, IProgress<(int Done, int Total)>? progress, Stopwatch clock)
    {
        long entries = 0;
        var terminated = ReadJsonList(kv.Get("vats.terminated")).ToHashSet(StringComparer.Ordinal);
        var live = new SortedSet<string>(Comparer<string>.Create(References.VatId.Compare));
        foreach (var (_, vatId) in kv.Range("vat.name.", "vat.name/")) live.Add(vatId);
        foreach (var vatId in ReadJsonList(kv.Get("vat.dynamicIDs"))) live.Add(vatId);
        live.ExceptWith(terminated);

        var pending = new HashSet<(string, string)>();
        foreach (var queue in new[] { "runQueue", "acceptanceQueue" })
        {
            if (kv.Get(queue) is not { } bounds) continue;
            var ht = JsonSerializer.Deserialize<long[]>(bounds) ?? [];
            if (ht.Length != 2) throw new ScanInputException($"{queue} is not [head, tail]: {bounds}");
            foreach (var (_, json) in kv.Range(queue + ".", queue + "/")) AddNotify(json, pending);
        }
        if (kv.Get("upgradeEvents") is { } held)
        {
            using var doc = JsonDocument.Parse(held);
            foreach (var e in doc.RootElement.EnumerateArray()) AddNotify(e.GetRawText(), pending);
        }

        var damaged = new List<DamagedPromise>();
        var done = 0;
        foreach (var vatId in live)
        {
            // the promise part of this vat's c-list in one range read, then its promises' states in batches
            var clist = kv.Range(vatId + ".c.p", vatId + ".c.q");
            entries += clist.Count;
            var states = kv.GetMany([.. clist.Select(e => e.Value + ".state")]);
            foreach (var (key, kpid) in clist)
            {
                var state = states.GetValueOrDefault(kpid + ".state");
                if (state is "fulfilled" or "rejected" && !pending.Contains((vatId, kpid)))
                    damaged.Add(new DamagedPromise(vatId, kpid, key[(vatId.Length + 3)..], state));
            }
            progress?.Report((++done, live.Count));
        }
        return new ScanResult(damaged, live.Count, entries, kv.Rows, kv.Queries, damaged.Count * WritesPerRepair, clock.Elapsed);
    }

    private static SqliteConnection Open(string path)
    {
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

    private static void AddNotify(string json, HashSet<(string, string)> into)
    {
        using var doc = JsonDocument.Parse(json);
        var e = doc.RootElement;
        if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty("type", out var t) && t.GetString() == "notify"
            && e.TryGetProperty("vatID", out var v) && e.TryGetProperty("kpid", out var k))
            into.Add((v.GetString()!, k.GetString()!));
    }

    private static string[] ReadJsonList(string? json) => json is null ? [] : JsonSerializer.Deserialize<string[]>(json) ?? [];
}
