using System.Buffers;
using System.Text.Json;
using ActorSwingSet.Vats;

namespace ActorSwingSet.Vat.Transcript;

/// <summary>
/// The stored form of transcript entries (docs/SCHEMA.md, "Transcripts"): compact JSON shaped like SwingSet's vat
/// delivery and syscall objects, with vrefs and capdata <c>{"body","slots"}</c>.
/// <list type="bullet">
/// <item>entry: <c>{"d":DELIVERY,"sc":[{"s":SYSCALL,"r":["ok",RESULT]},...],"r":["ok"]}</c>, and on the first entry
/// after a worker was rebuilt from a vatstore with no transcript, <c>"rebuilt":[vref,...]</c> last (the imports it was
/// told of)</item>
/// <item>deliveries: <c>["message",target,{"methargs":CAPDATA,"result":vpid|null}]</c>,
/// <c>["notify",[[vpid,rejected,CAPDATA],...]]</c>, <c>["dropExports",[vref,...]]</c>, <c>["retireExports",[...]]</c>,
/// <c>["retireImports",[...]]</c>, <c>["bringOutYourDead"]</c>, <c>["startVat",CAPDATA]</c></item>
/// <item>syscalls: <c>["send",target,{"methargs":CAPDATA,"result":vpid|null}]</c>, <c>["resolve",[[vpid,rejected,CAPDATA],...]]</c>,
/// <c>["subscribe",vpid]</c>, <c>["markPromiseDurable",vpid]</c>, <c>["callVatAdmin",CAPDATA,vpid]</c>,
/// <c>["exit",isFailure,CAPDATA]</c>, <c>["dropImports",[...]]</c>, <c>["retireImports",[...]]</c>,
/// <c>["retireExports",[...]]</c>, <c>["abandonExports",[...]]</c>, <c>["vatstoreGet",key]</c>,
/// <c>["vatstoreSet",key,value]</c>, <c>["vatstoreDelete",key]</c>, <c>["vatstoreGetNextKey",priorKey]</c></item>
/// </list>
/// Writing is deterministic (no whitespace, fixed member order), so a syscall's text is its identity.
/// </summary>
internal static class TranscriptJson
{
    // relaxed escaping keeps capdata bodies readable (no \u0022 for every quote); the text is only ever JSON
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    [ThreadStatic] private static ArrayBufferWriter<byte>? _buffer;

    private static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = _buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(w);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // ---------------- syscalls ----------------

    /// <summary>The canonical text of a recorded syscall.</summary>
    public static string Call(SyscallCall c) => c.Name switch
    {
        "send" => Send((string)c.A!, (VCapData)c.B!, (string?)c.C),
        "resolve" => Resolve((IReadOnlyList<VatResolution>)c.A!),
        "subscribe" or "markPromiseDurable" => OneRef(c.Name, (string)c.A!),
        "callVatAdmin" => CallVatAdmin((VCapData)c.A!, (string)c.B!),
        "exit" => Exit((bool)c.A!, (VCapData)c.B!),
        "dropImports" or "retireImports" or "retireExports" or "abandonExports" => Refs(c.Name, (IReadOnlyList<string>)c.A!),
        "vatstoreGet" or "vatstoreDelete" or "vatstoreGetNextKey" => Vatstore(c.Name, (string)c.A!),
        "vatstoreSet" => Vatstore(c.Name, (string)c.A!, (string)c.B!),
        _ => throw new InvalidOperationException($"internal error: no transcript form for syscall '{c.Name}'"),
    };

    public static string Send(string target, VCapData methargs, string? result) => Write(w =>
    {
        w.WriteStartArray();
        w.WriteStringValue("send");
        w.WriteStringValue(target);
        WriteMessage(w, methargs, result);
        w.WriteEndArray();
    });

    public static string Resolve(IReadOnlyList<VatResolution> resolutions) => Write(w =>
    {
        w.WriteStartArray();
        w.WriteStringValue("resolve");
        WriteResolutions(w, resolutions);
        w.WriteEndArray();
    });

    public static string OneRef(string name, string vref) => Write(w =>
    {
        w.WriteStartArray();
        w.WriteStringValue(name);
        w.WriteStringValue(vref);
        w.WriteEndArray();
    });

    public static string Refs(string name, IReadOnlyList<string> vrefs) => Write(w => WriteRefs(w, name, vrefs));

    public static string CallVatAdmin(VCapData operation, string result) => Write(w =>
    {
        w.WriteStartArray();
        w.WriteStringValue("callVatAdmin");
        WriteCapData(w, operation);
        w.WriteStringValue(result);
        w.WriteEndArray();
    });

    public static string Exit(bool isFailure, VCapData info) => Write(w =>
    {
        w.WriteStartArray();
        w.WriteStringValue("exit");
        w.WriteBooleanValue(isFailure);
        WriteCapData(w, info);
        w.WriteEndArray();
    });

    public static string Vatstore(string name, string key, string? value = null) => Write(w =>
    {
        w.WriteStartArray();
        w.WriteStringValue(name);
        w.WriteStringValue(key);
        if (value is not null) w.WriteStringValue(value);
        w.WriteEndArray();
    });

    // ---------------- entries ----------------

    /// <summary>The stored text of <paramref name="entry"/>.</summary>
    public static string Entry(TranscriptEntry entry)
    {
        // the syscalls' texts first: writing one uses the buffer the entry is written into
        var calls = entry.Syscalls.Select(sc => sc.Text).ToArray();
        return Write(w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("d");
            WriteDelivery(w, entry.Delivery);
            w.WriteStartArray("sc");
            for (var i = 0; i < calls.Length; i++)
            {
                var sc = entry.Syscalls[i];
                w.WriteStartObject();
                w.WritePropertyName("s");
                w.WriteRawValue(calls[i], skipInputValidation: true);
                w.WriteStartArray("r");
                w.WriteStringValue("ok");
                if (sc.Result is null) w.WriteNullValue();
                else w.WriteStringValue(sc.Result);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("r");
            w.WriteStringValue("ok");
            w.WriteEndArray();
            if (entry.RebuiltImports is { } imports)
            {
                w.WritePropertyName("rebuilt");
                w.WriteStartArray();
                foreach (var v in imports) w.WriteStringValue(v);
                w.WriteEndArray();
            }
            w.WriteEndObject();
        });
    }

    /// <summary>Reads a stored entry; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static TranscriptEntry ParseEntry(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            var delivery = ReadDelivery(root.GetProperty("d"));
            var syscalls = new List<RecordedSyscall>();
            foreach (var sc in root.GetProperty("sc").EnumerateArray())
            {
                var r = sc.GetProperty("r");
                if (r.GetArrayLength() != 2 || r[0].GetString() != "ok") throw new FormatException("a syscall result is not [\"ok\", value]");
                syscalls.Add(new RecordedSyscall(sc.GetProperty("s").GetRawText(), r[1].ValueKind == JsonValueKind.Null ? null : r[1].GetString()));
            }
            return new TranscriptEntry(delivery, syscalls, root.TryGetProperty("rebuilt", out var rebuilt) ? ReadRefs(rebuilt) : null);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or IndexOutOfRangeException or FormatException)
        {
            throw new FormatException($"a transcript entry cannot be read: {e.Message}", e);
        }
    }

    private static void WriteDelivery(Utf8JsonWriter w, VatDelivery delivery)
    {
        switch (delivery)
        {
            case MessageDelivery m:
                w.WriteStartArray();
                w.WriteStringValue("message");
                w.WriteStringValue(m.Target);
                WriteMessage(w, m.Methargs, m.Result);
                w.WriteEndArray();
                break;
            case NotifyDelivery n:
                w.WriteStartArray();
                w.WriteStringValue("notify");
                WriteResolutions(w, n.Resolutions);
                w.WriteEndArray();
                break;
            case DropExportsDelivery d: WriteRefs(w, "dropExports", d.Vrefs); break;
            case RetireExportsDelivery r: WriteRefs(w, "retireExports", r.Vrefs); break;
            case RetireImportsDelivery r: WriteRefs(w, "retireImports", r.Vrefs); break;
            case BringOutYourDeadDelivery:
                w.WriteStartArray();
                w.WriteStringValue("bringOutYourDead");
                w.WriteEndArray();
                break;
            case StartVatDelivery s:
                w.WriteStartArray();
                w.WriteStringValue("startVat");
                WriteCapData(w, s.VatParameters);
                w.WriteEndArray();
                break;
            default:
                throw new InvalidOperationException($"internal error: no transcript form for {delivery.GetType().Name}");
        }
    }

    private static VatDelivery ReadDelivery(JsonElement d) => d[0].GetString() switch
    {
        "message" => new MessageDelivery(d[1].GetString()!, ReadCapData(d[2].GetProperty("methargs")), d[2].GetProperty("result").GetString()),
        "notify" => new NotifyDelivery([.. d[1].EnumerateArray().Select(r => new VatResolution(r[0].GetString()!, r[1].GetBoolean(), ReadCapData(r[2])))]),
        "dropExports" => new DropExportsDelivery(ReadRefs(d[1])),
        "retireExports" => new RetireExportsDelivery(ReadRefs(d[1])),
        "retireImports" => new RetireImportsDelivery(ReadRefs(d[1])),
        "bringOutYourDead" => BringOutYourDeadDelivery.Instance,
        "startVat" => new StartVatDelivery(ReadCapData(d[1])),
        var other => throw new FormatException($"unknown delivery type '{other}'"),
    };

    private static void WriteMessage(Utf8JsonWriter w, VCapData methargs, string? result)
    {
        w.WriteStartObject();
        w.WritePropertyName("methargs");
        WriteCapData(w, methargs);
        if (result is null) w.WriteNull("result");
        else w.WriteString("result", result);
        w.WriteEndObject();
    }

    private static void WriteResolutions(Utf8JsonWriter w, IReadOnlyList<VatResolution> resolutions)
    {
        w.WriteStartArray();
        foreach (var r in resolutions)
        {
            w.WriteStartArray();
            w.WriteStringValue(r.Vpid);
            w.WriteBooleanValue(r.Rejected);
            WriteCapData(w, r.Data);
            w.WriteEndArray();
        }
        w.WriteEndArray();
    }

    private static void WriteRefs(Utf8JsonWriter w, string name, IReadOnlyList<string> vrefs)
    {
        w.WriteStartArray();
        w.WriteStringValue(name);
        w.WriteStartArray();
        foreach (var v in vrefs) w.WriteStringValue(v);
        w.WriteEndArray();
        w.WriteEndArray();
    }

    private static string[] ReadRefs(JsonElement a) => [.. a.EnumerateArray().Select(e => e.GetString()!)];

    private static void WriteCapData(Utf8JsonWriter w, VCapData data)
    {
        w.WriteStartObject();
        w.WriteString("body", data.Body);
        w.WriteStartArray("slots");
        foreach (var s in data.Slots) w.WriteStringValue(s);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static VCapData ReadCapData(JsonElement e) => new(e.GetProperty("body").GetString()!, [.. ReadRefs(e.GetProperty("slots"))]);
}
