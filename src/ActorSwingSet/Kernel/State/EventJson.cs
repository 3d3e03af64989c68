using System.Text;
using System.Text.Json;

namespace ActorSwingSet.Kernel.State;

/// <summary>
/// Queue events and messages as JSON in SwingSet's shapes (<c>{"type":"send","target":..,"msg":{"methargs":..,"result":..}}</c>,
/// <c>{"type":"notify","vatID":..,"kpid":..}</c>, ...), and the krefs such JSON holds.
/// </summary>
internal static class EventJson
{
    /// <summary>A queue event as SwingSet writes it in its run-queue and acceptance queue.</summary>
    public static string Write(KernelEvent e) => WriteWith(w => WriteEvent(w, e));

    /// <summary>A message as SwingSet writes it in a promise's queue: <c>{"methargs":..,"result":..}</c>.</summary>
    public static string Write(KMessage m) => WriteWith(w => WriteMessage(w, m));

    /// <summary>Capdata as <c>{"body":..,"slots":[..]}</c>.</summary>
    public static string Write(KCapData d) => WriteWith(w => WriteCapData(w, d));

    private static string WriteWith(Action<Utf8JsonWriter> body)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            body(w);
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    internal static void WriteEvent(Utf8JsonWriter w, KernelEvent e)
    {
        w.WriteStartObject();
        w.WriteString("type", e.Type);
        switch (e)
        {
            case SendEvent s:
                w.WriteString("target", s.Target.ToString());
                w.WritePropertyName("msg");
                WriteMessage(w, s.Msg);
                break;
            case NotifyEvent n:
                w.WriteString("vatID", n.VatId);
                w.WriteString("kpid", n.Kpid.ToString());
                break;
            case GcEvent g:
                w.WriteString("vatID", g.VatId);
                w.WriteStartArray("krefs");
                foreach (var k in g.Targets) w.WriteStringValue(k.ToString());
                w.WriteEndArray();
                break;
            case BringOutYourDeadEvent b:
                w.WriteString("vatID", b.VatId);
                break;
            case StartVatEvent sv:
                w.WriteString("vatID", sv.VatId);
                w.WritePropertyName("vatParameters");
                WriteCapData(w, sv.VatParameters);
                break;
            case CreateVatEvent c:
                w.WriteString("vatID", c.VatId);
                w.WriteStartObject("source");
                w.WriteString("bundleName", c.BundleName);
                w.WriteEndObject();
                w.WritePropertyName("vatParameters");
                WriteCapData(w, c.VatParameters);
                w.WriteStartObject("dynamicOptions");
                w.WriteBoolean("enablePipelining", c.EnablePipelining);
                w.WriteEndObject();
                w.WriteString("result", c.Result.ToString());
                break;
            case UpgradeVatEvent u:
                w.WriteString("vatID", u.VatId);
                w.WriteString("bundleName", u.BundleName);
                w.WritePropertyName("vatParameters");
                WriteCapData(w, u.VatParameters);
                w.WriteString("upgradeMessage", u.UpgradeMessage);
                w.WriteString("result", u.Result.ToString());
                break;
            case TerminateVatEvent t:
                w.WriteString("vatID", t.VatId);
                w.WriteBoolean("reject", t.Reject);
                w.WritePropertyName("reason");
                WriteCapData(w, t.Reason);
                w.WriteString("result", t.Result.ToString());
                break;
        }
        w.WriteEndObject();
    }

    internal static void WriteMessage(Utf8JsonWriter w, KMessage m)
    {
        w.WriteStartObject();
        w.WritePropertyName("methargs");
        WriteCapData(w, m.Methargs);
        if (m.Result is { } r) w.WriteString("result", r.ToString());
        else w.WriteNull("result");
        w.WriteEndObject();
    }

    internal static void WriteCapData(Utf8JsonWriter w, KCapData d)
    {
        w.WriteStartObject();
        w.WriteString("body", d.Body);
        w.WriteStartArray("slots");
        foreach (var s in d.Slots) w.WriteStringValue(s.ToString());
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Reads an event written by <see cref="Write(KernelEvent)"/>; throws <see cref="FormatException"/> otherwise.</summary>
    public static KernelEvent ReadEvent(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var e = doc.RootElement;
        string Str(string name) => e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String
            ? p.GetString()! : throw new FormatException($"event lacks '{name}': {json}");
        return Str("type") switch
        {
            "send" => new SendEvent(Kref.Parse(Str("target")), ReadMessage(e.GetProperty("msg"))),
            "notify" => new NotifyEvent(Str("vatID"), Kref.Parse(Str("kpid"))),
            "bringOutYourDead" => new BringOutYourDeadEvent(Str("vatID")),
            "startVat" => new StartVatEvent(Str("vatID"), ReadCapData(e.GetProperty("vatParameters"))),
            "create-vat" => new CreateVatEvent(Str("vatID"), e.GetProperty("source").GetProperty("bundleName").GetString()!,
                ReadCapData(e.GetProperty("vatParameters")), e.GetProperty("dynamicOptions").GetProperty("enablePipelining").GetBoolean(), Kref.Parse(Str("result"))),
            "upgrade-vat" => new UpgradeVatEvent(Str("vatID"), Str("bundleName"), ReadCapData(e.GetProperty("vatParameters")), Str("upgradeMessage"), Kref.Parse(Str("result"))),
            "terminate-vat" => new TerminateVatEvent(Str("vatID"), e.GetProperty("reject").GetBoolean(), ReadCapData(e.GetProperty("reason")), Kref.Parse(Str("result"))),
            var other => throw new FormatException($"unknown event type '{other}'"),
        };
    }

    /// <summary>Reads a message written by <see cref="Write(KMessage)"/>.</summary>
    public static KMessage ReadMessage(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return ReadMessage(doc.RootElement);
    }

    /// <summary>Reads capdata written by <see cref="Write(KCapData)"/>.</summary>
    public static KCapData ReadCapData(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return ReadCapData(doc.RootElement);
    }

    private static KMessage ReadMessage(JsonElement m)
    {
        var result = m.TryGetProperty("result", out var r) && r.ValueKind == JsonValueKind.String ? Kref.Parse(r.GetString()!) : (Kref?)null;
        return new KMessage(ReadCapData(m.GetProperty("methargs")), result);
    }

    private static KCapData ReadCapData(JsonElement d) =>
        new(d.GetProperty("body").GetString()!, [.. d.GetProperty("slots").EnumerateArray().Select(s => Kref.Parse(s.GetString()!))]);

    /// <summary>
    /// The krefs a stored event or message holds a reference on: <c>target</c>, <c>result</c>, <c>kpid</c> and
    /// every <c>slots</c> list, at any depth. GC events' <c>krefs</c> hold none. Works on SwingSet's own JSON too.
    /// </summary>
    public static List<Kref> HeldKrefs(string json)
    {
        var list = new List<Kref>();
        using var doc = JsonDocument.Parse(json);
        Collect(doc.RootElement, list);
        return list;
    }

    private static void Collect(JsonElement e, List<Kref> into)
    {
        if (e.ValueKind != JsonValueKind.Object) return;
        foreach (var p in e.EnumerateObject())
        {
            switch (p.Name)
            {
                case "target" or "result" or "kpid" when p.Value.ValueKind == JsonValueKind.String:
                    if (Kref.TryParse(p.Value.GetString(), out var k)) into.Add(k);
                    break;
                case "slots" when p.Value.ValueKind == JsonValueKind.Array:
                    foreach (var s in p.Value.EnumerateArray())
                        if (s.ValueKind == JsonValueKind.String && Kref.TryParse(s.GetString(), out var sk)) into.Add(sk);
                    break;
                case "krefs":
                    break;
                default:
                    Collect(p.Value, into);
                    break;
            }
        }
    }
}
