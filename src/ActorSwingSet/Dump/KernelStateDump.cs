using System.Text.Json;
using ActorSwingSet.Schema;

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
    public const string SchemaVersion = KvKeys.CurrentVersion;

    /// <summary>The version of state written by a kernel with the #9039 upgrade leak (before remediation).</summary>
    public const string LeakySchemaVersion = KvKeys.LeakyVersion;

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
