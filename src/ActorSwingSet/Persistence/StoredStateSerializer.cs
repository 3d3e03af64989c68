using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;
using ActorSwingSet.Schema;

namespace ActorSwingSet.Persistence;

/// <summary>
/// How blocks and snapshots are stored: UTF-8 JSON under fixed manifests, so stored state never depends on .NET
/// type names and survives any renaming in code. Format (documented in docs/ARCHITECTURE.md):
/// <c>swingset.block.v1</c> = <c>{"block":N,"crank":N,"writes":[["s",key,value] | ["d",key] | ["e",entity], ...],
/// "transcript":[[vatID,incarnation,position,itemJson], ...]}</c>, where <c>transcript</c> is absent when the block has
/// no transcript items (so blocks written before transcripts read as blocks without items) and <c>itemJson</c> is the
/// item's JSON as a string value, kept verbatim;
/// <c>swingset.state.v1</c> = <c>{"block":N,"state":{key:value,...}}</c> (keys in no particular order).
/// </summary>
internal sealed class StoredStateSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>The manifest of a stored <see cref="BlockCommitted"/>.</summary>
    public const string BlockManifest = "swingset.block.v1";
    /// <summary>The manifest of a stored <see cref="StateSnapshot"/>.</summary>
    public const string StateManifest = "swingset.state.v1";

    /// <summary>The HOCON binding blocks and snapshots to this serializer; include it in a persistent kernel's ActorSystem.</summary>
    public const string Hocon = """
        akka.actor {
          serializers { actorswingset-state = "ActorSwingSet.Persistence.StoredStateSerializer, ActorSwingSet" }
          serialization-bindings {
            "ActorSwingSet.Persistence.BlockCommitted, ActorSwingSet" = actorswingset-state
            "ActorSwingSet.Persistence.StateSnapshot, ActorSwingSet" = actorswingset-state
          }
        }
        """;

    /// <summary>Binds blocks and snapshots to this serializer in <paramref name="system"/> unless its HOCON already does.</summary>
    public static void Register(ActorSystem system)
    {
        var serialization = system.Serialization;
        if (serialization.FindSerializerForType(typeof(BlockCommitted)) is StoredStateSerializer) return;
        var serializer = new StoredStateSerializer((ExtendedActorSystem)system);
        serialization.AddSerializer("actorswingset-state", serializer);
        serialization.AddSerializationMap(typeof(BlockCommitted), serializer);
        serialization.AddSerializationMap(typeof(StateSnapshot), serializer);
    }

    /// <summary>Our serializer ID (Akka reserves 0-40).</summary>
    public override int Identifier => Id;

    /// <summary>The serializer ID, as stored beside each block and snapshot.</summary>
    internal const int Id = 9039;

    /// <summary>The manifest for a block or a snapshot; anything else throws <see cref="ArgumentException"/>.</summary>
    public override string Manifest(object o) => o switch
    {
        BlockCommitted => BlockManifest,
        StateSnapshot => StateManifest,
        _ => throw new ArgumentException($"cannot store a {o.GetType().Name}"),
    };

    /// <summary>Writes a block or a snapshot as UTF-8 JSON in the format above.</summary>
    public override byte[] ToBinary(object obj)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            switch (obj)
            {
                case BlockCommitted b:
                    w.WriteNumber("block", b.Block);
                    w.WriteNumber("crank", b.CrankNumber);
                    w.WriteStartArray("writes");
                    foreach (var write in b.Writes)
                    {
                        w.WriteStartArray();
                        w.WriteStringValue(write.Op switch { KvOp.Set => "s", KvOp.Delete => "d", _ => "e" });
                        w.WriteStringValue(write.Key);
                        if (write.Op == KvOp.Set) w.WriteStringValue(write.Value);
                        w.WriteEndArray();
                    }
                    w.WriteEndArray();
                    if (b.Transcript.Count > 0)
                    {
                        w.WriteStartArray("transcript");
                        foreach (var t in b.Transcript)
                        {
                            w.WriteStartArray();
                            w.WriteStringValue(t.VatId);
                            w.WriteNumberValue(t.Incarnation);
                            w.WriteNumberValue(t.Position);
                            w.WriteStringValue(t.Item);
                            w.WriteEndArray();
                        }
                        w.WriteEndArray();
                    }
                    break;
                case StateSnapshot s:
                    w.WriteNumber("block", s.Block);
                    w.WriteStartObject("state");
                    foreach (var (k, v) in s.State) w.WriteString(k, v);
                    w.WriteEndObject();
                    break;
                default:
                    throw new ArgumentException($"cannot store a {obj.GetType().Name}");
            }
            w.WriteEndObject();
        }
        return ms.ToArray();
    }

    /// <summary>
    /// Reads a block or a snapshot back. Bytes it cannot read (an unknown manifest or write, bytes that are not the
    /// format above) come back as a <see cref="DamagedPayload"/> rather than an exception, so the journal gets it with
    /// its sequence number and can name the damaged block.
    /// </summary>
    public override object FromBinary(byte[] bytes, string manifest)
    {
        try
        {
            return Read(bytes, manifest);
        }
        catch (FormatException e)
        {
            return new DamagedPayload(e.Message);
        }
    }

    /// <summary>
    /// <see cref="FromBinary"/> without an ActorSystem (the tools read stored state directly): any damage in the bytes
    /// is a <see cref="FormatException"/> with a one-line message saying what is wrong.
    /// </summary>
    internal static object Read(byte[] bytes, string manifest)
    {
        try
        {
            return Decode(bytes, manifest);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or IndexOutOfRangeException or ArgumentException)
        {
            throw new FormatException($"its {manifest} payload is damaged ({e.Message.Split('\n')[0].TrimEnd('.')})", e);
        }
    }

    private static object Decode(byte[] bytes, string manifest)
    {
        using var doc = JsonDocument.Parse(bytes);
        var root = doc.RootElement;
        switch (manifest)
        {
            case BlockManifest:
                {
                    var writes = new List<KvWrite>();
                    foreach (var w in root.GetProperty("writes").EnumerateArray())
                    {
                        var op = w[0].GetString();
                        var key = w[1].GetString()!;
                        writes.Add(op switch
                        {
                            "s" => KvWrite.Set(key, w[2].GetString()!),
                            "d" => KvWrite.Delete(key),
                            "e" => KvWrite.DeleteEntity(key),
                            _ => throw new FormatException($"unknown stored write '{op}'"),
                        });
                    }
                    return new BlockCommitted(root.GetProperty("block").GetInt64(), root.GetProperty("crank").GetInt64(), writes, Transcript(root));
                }
            case StateManifest:
                {
                    var state = new Dictionary<string, string>(StringComparer.Ordinal);
                    foreach (var p in root.GetProperty("state").EnumerateObject()) state[p.Name] = p.Value.GetString()!;
                    return new StateSnapshot(root.GetProperty("block").GetInt64(), state);
                }
            default:
                throw new FormatException($"unknown stored manifest '{manifest}' ({Encoding.UTF8.GetString(bytes, 0, Math.Min(40, bytes.Length))}...)");
        }
    }

    /// <summary>A block's transcript items; none when the field is absent (a block written before transcripts).</summary>
    private static List<TranscriptItem> Transcript(JsonElement block)
    {
        var items = new List<TranscriptItem>();
        if (!block.TryGetProperty("transcript", out var transcript)) return items;
        foreach (var t in transcript.EnumerateArray())
        {
            if (t.GetArrayLength() != 4) throw new FormatException($"a transcript item has {t.GetArrayLength()} fields, not 4");
            var vatId = t[0].GetString();
            var item = t[3].GetString();
            if (string.IsNullOrEmpty(vatId) || item is null) throw new FormatException("a transcript item has no vat ID or no item");
            var incarnation = t[1].GetInt64();
            var position = t[2].GetInt64();
            if (incarnation < 0 || position < 0) throw new FormatException($"a transcript item of {vatId} has a negative incarnation or position");
            items.Add(new TranscriptItem(vatId, incarnation, position, item));
        }
        return items;
    }
}

/// <summary>A stored block or snapshot whose bytes cannot be read; <see cref="Problem"/> says why, on one line.</summary>
internal sealed record DamagedPayload(string Problem);
