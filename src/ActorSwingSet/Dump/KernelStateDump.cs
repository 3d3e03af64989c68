using System.Text.Json;
using ActorSwingSet.Dump;
using ActorSwingSet.Kernel.State;
using ActorSwingSet.Schema;
using ActorSwingSet.Vat.Messages;

namespace ActorSwingSet;

/// <summary>
/// Renders kernel state as SwingSet's kvStore (docs/KERNEL-SEMANTICS.md section 10), sorted by key: the canonical view that tests,
/// tools and comparisons with SwingSet use. Keys beyond SwingSet's: <c>vN.incarnationNumber</c>,
/// <c>vat.terminationReason.vN</c>, <c>kernel.hostRefs</c> (references host sessions hold, by session) and
/// <c>kernel.durableHolds</c> (the host's named holds kept across restarts); see docs/ARCHITECTURE.md.
/// </summary>
public static class KernelStateDump
{
    /// <summary>The schema version of the dump (SwingSet's kvStore version after the #9039 remediation).</summary>
    public const string SchemaVersion = "3";

    /// <summary>The version of state written by a kernel with the #9039 upgrade leak (before remediation).</summary>
    public const string LeakySchemaVersion = "2";

    internal static SortedDictionary<string, string> Build(KernelKeeper K, IEnumerable<VatDumpReply> vats)
    {
        var kv = new SortedDictionary<string, string>(StringComparer.Ordinal);
        void Set(string key, string value) => kv[key] = value;
        KernelStateRenderer.Scalars(K, Set);
        foreach (var list in Enum.GetValues<KernelList>()) KernelStateRenderer.List(K, list, Set, _ => { });
        foreach (var v in K.Vats) KernelStateRenderer.Vat(v, Set);
        foreach (var (id, o) in K.Objects) KernelStateRenderer.Object(id, o, Set);
        foreach (var (id, p) in K.Promises) KernelStateRenderer.Promise(id, p, Set);
        foreach (var (name, q) in KernelStateRenderer.Queues(K))
        {
            kv[name] = KernelStateRenderer.QueueBounds(q);
            foreach (var (pos, e) in q.Entries()) kv[KvKeys.QueueEntry(name, pos)] = EventJson.Write(e);
        }
        foreach (var vat in vats)
            foreach (var (key, value) in vat.Entries) kv[key] = value;
        return kv;
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
