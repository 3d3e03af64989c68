using System.Globalization;
using System.Text.Json;
using ActorSwingSet.Kernel.State;
using ActorSwingSet.Vat.Messages;

namespace ActorSwingSet.Dump;

/// <summary>
/// Renders kernel state as SwingSet's kvStore (semantics section 10), sorted by key: the canonical view that tests,
/// tools and comparisons with SwingSet use. Keys beyond SwingSet's: <c>vN.incarnationNumber</c>,
/// <c>vat.terminationReason.vN</c> and <c>kernel.hostRefs</c> (references the host holds).
/// </summary>
public static class KernelStateDump
{
    /// <summary>The schema version of the dump (SwingSet's kvStore version after the #9039 remediation).</summary>
    public const string SchemaVersion = "3";

    internal static SortedDictionary<string, string> Build(KernelKeeper K, IEnumerable<VatDumpReply> vats)
    {
        var kv = new SortedDictionary<string, string>(StringComparer.Ordinal);
        static string N(long n) => n.ToString(CultureInfo.InvariantCulture);

        kv["version"] = SchemaVersion;
        kv["crankNumber"] = N(K.CrankNumber);
        kv["kernelStats"] = JsonSerializer.Serialize(
            Enum.GetValues<KernelStat>().OrderBy(s => s.ToString(), StringComparer.Ordinal).ToDictionary(s => s.ToString(), K.Stat));
        kv["vat.names"] = JsonSerializer.Serialize(K.StaticNames);
        kv["vat.dynamicIDs"] = JsonSerializer.Serialize(K.DynamicIds);
        kv["vat.nextID"] = N(K.NextVatId);
        kv["vats.terminated"] = JsonSerializer.Serialize(K.TerminatedVats);
        foreach (var (vatId, t) in K.TerminationReasons)
            kv["vat.terminationReason." + vatId] = JsonSerializer.Serialize(new { isFailure = t.IsFailure, info = t.InfoBody });
        foreach (var v in K.Vats)
        {
            if (v.Name is not null && v.Alive) kv["vat.name." + v.Name] = v.VatId;
            if (!v.Alive) continue;
            var p = v.VatId + ".";
            kv[p + "source"] = JsonSerializer.Serialize(new { bundleName = v.BundleName });
            kv[p + "options"] = JsonSerializer.Serialize(new { enablePipelining = v.EnablePipelining, name = v.Name, root = v.Root.ToString() });
            kv[p + "vatParameters"] = EventJson.Write(v.VatParameters);
            kv[p + "reapDirt"] = JsonSerializer.Serialize(new { deliveries = v.ReapDirt });
        }
        kv["ko.nextID"] = N(K.NextObjectId);
        kv["kp.nextID"] = N(K.NextPromiseId);
        foreach (var (id, o) in K.Objects)
        {
            var k = "ko" + N(id);
            if (o.Owner is not null) kv[k + ".owner"] = o.Owner;
            kv[k + ".refCount"] = N(o.Reachable) + "," + N(o.Recognizable);
        }
        foreach (var (id, p) in K.Promises)
        {
            var k = "kp" + N(id);
            kv[k + ".state"] = KernelPromise.StateText(p.State);
            kv[k + ".refCount"] = N(p.RefCount);
            if (p.State == PromiseState.Unresolved)
            {
                kv[k + ".decider"] = p.Decider ?? "";
                kv[k + ".subscribers"] = string.Join(",", p.Subscribers);
                var first = p.QueueNextId - p.Queue.Count;
                for (var i = 0; i < p.Queue.Count; i++) kv[k + ".queue." + N(first + i)] = EventJson.Write(p.Queue[i]);
                kv[k + ".queue.nextID"] = N(p.QueueNextId);
            }
            else
            {
                kv[k + ".data.body"] = p.Data!.Body;
                kv[k + ".data.slots"] = p.Data.SlotsText;
            }
        }
        WriteQueue(kv, "runQueue", K.RunQueue);
        WriteQueue(kv, "acceptanceQueue", K.AcceptanceQueue);
        kv["gcActions"] = JsonSerializer.Serialize(K.GcActions);
        kv["pinnedObjects"] = string.Join(",", K.PinnedObjects);
        if (K.UpgradeEvents.Count > 0) kv["upgradeEvents"] = "[" + string.Join(",", K.UpgradeEvents.Select(EventJson.Write)) + "]";
        kv["reapQueue"] = JsonSerializer.Serialize(K.ReapQueue);
        if (K.HostRefs.Count > 0)
            kv["kernel.hostRefs"] = JsonSerializer.Serialize(K.HostRefs.ToDictionary(e => e.Key.ToString(), e => e.Value));
        foreach (var vat in vats)
            foreach (var (key, value) in vat.Entries) kv[key] = value;
        return kv;
    }

    private static void WriteQueue(SortedDictionary<string, string> kv, string name, EventQueue q)
    {
        kv[name] = $"[{q.Head.ToString(CultureInfo.InvariantCulture)},{q.Tail.ToString(CultureInfo.InvariantCulture)}]";
        foreach (var (pos, e) in q.Entries()) kv[name + "." + pos.ToString(CultureInfo.InvariantCulture)] = EventJson.Write(e);
    }

    /// <summary>Writes a dump as one JSON object, keys in order (what <c>swingset ... --dump FILE</c> writes).</summary>
    public static void WriteJson(IReadOnlyDictionary<string, string> kv, Stream output)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        foreach (var (k, v) in kv.OrderBy(e => e.Key, StringComparer.Ordinal)) w.WriteString(k, v);
        w.WriteEndObject();
    }

    /// <summary>The keys whose values differ, or that only one side has: a readable diff for test failures.</summary>
    public static IReadOnlyList<string> Diff(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after)
    {
        var lines = new List<string>();
        foreach (var key in before.Keys.Union(after.Keys).OrderBy(k => k, StringComparer.Ordinal))
        {
            var hasA = before.TryGetValue(key, out var a);
            var hasB = after.TryGetValue(key, out var b);
            if (hasA && hasB && a == b) continue;
            lines.Add(!hasA ? $"+ {key} = {b}" : !hasB ? $"- {key} = {a}" : $"~ {key}: {a} -> {b}");
        }
        return lines;
    }
}
