using System.Globalization;
using System.Text.Json;
using ActorSwingSet.Schema;

namespace ActorSwingSet.Kernel.State;

/// <summary>
/// The value of <c>kernel.hostRefs</c>: the references the host holds, by the host session that took them,
/// <c>{"SESSION": {kref: count, ...}, ...}</c> with sessions in numeric order and krefs in kref order. State written
/// before holds had owners has the flat shape <c>{kref: count}</c>; it reads as held by session 0, a session before
/// any that recovers the state.
/// </summary>
internal static class HostRefsJson
{
    /// <summary>The legacy flat shape's owner: older than every session that can load it (those start from block 1 on).</summary>
    public const long LegacyOwner = 0;

    public static string Write(IReadOnlyDictionary<long, IReadOnlyDictionary<Kref, long>> byOwner)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            foreach (var (owner, held) in byOwner.OrderBy(e => e.Key))
            {
                w.WriteStartObject(owner.ToString(CultureInfo.InvariantCulture));
                foreach (var (kref, n) in held) w.WriteNumber(kref.ToString(), n);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>Every (owner, kref, count) in either shape; throws <see cref="FormatException"/> on anything else.</summary>
    public static List<(long Owner, string Kref, long Count)> Read(string json)
    {
        var refs = new List<(long, string, long)>();
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new FormatException($"{KvKeys.HostRefs} is not a JSON object: {json}");
            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                if (entry.Value.ValueKind == JsonValueKind.Number)
                {
                    refs.Add((LegacyOwner, entry.Name, Count(entry)));
                    continue;
                }
                if (entry.Value.ValueKind != JsonValueKind.Object
                    || !long.TryParse(entry.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var owner))
                    throw new FormatException($"{KvKeys.HostRefs}: '{entry.Name}' is neither a kref with a count nor a host session with its references");
                foreach (var held in entry.Value.EnumerateObject()) refs.Add((owner, held.Name, Count(held)));
            }
        }
        catch (JsonException e)
        {
            throw new FormatException($"{KvKeys.HostRefs} is not JSON: {e.Message}", e);
        }
        return refs;

        static long Count(JsonProperty p) =>
            p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt64(out var n) && n > 0
                ? n
                : throw new FormatException($"{KvKeys.HostRefs}: the count of '{p.Name}' is not a positive integer");
    }
}
