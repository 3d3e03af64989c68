using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace ActorSwingSet;

/// <summary>
/// Encodes and decodes capdata bodies in Endo's smallcaps format: <c>#</c> followed by JSON, where strings that
/// start with one of <c>!"#$%&amp;'()*+,-</c> carry a one-character code (<c>$N</c> remotable slot, <c>&amp;N</c>
/// promise slot, <c>+N</c>/<c>-N</c> big integer, <c>#undefined</c>, <c>#NaN</c>, <c>!</c> escaped string) and
/// errors are records with a <c>#error</c> key. Records are written with their keys sorted, as Endo does.
/// Supported passable values: null, <see cref="Undefined"/>, bool, integers, double, <see cref="BigInteger"/>,
/// string, lists, string-keyed records, <see cref="PassableError"/> and <see cref="SlotRef"/>.
/// </summary>
public static class SmallCaps
{
    /// <summary>Encodes a passable value as a smallcaps body; throws <see cref="ArgumentException"/> for a value that is not passable.</summary>
    public static string Encode(object? value)
    {
        var sb = new StringBuilder("#");
        Write(sb, value);
        return sb.ToString();
    }

    /// <summary>The methargs of a message: <c>[method, [args...]]</c>.</summary>
    public static string Methargs(string method, params object?[] args) => Encode(new object?[] { method, args });

    /// <summary>SwingSet's kernel-made error (<c>makeError(message)</c>).</summary>
    public static string Error(string message, string name = "Error") => Encode(new PassableError(name, message));

    private static void Write(StringBuilder sb, object? v)
    {
        switch (v)
        {
            case null: sb.Append("null"); break;
            case Undefined: sb.Append("\"#undefined\""); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case string s: WriteString(sb, NeedsEscape(s) ? "!" + s : s); break;
            case int or long or short or byte or uint or sbyte or ushort:
                sb.Append(Convert.ToInt64(v, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
                break;
            case double d: WriteDouble(sb, d); break;
            case float f: WriteDouble(sb, f); break;
            case BigInteger bi:
                WriteString(sb, (bi.Sign < 0 ? "-" + BigInteger.Negate(bi).ToString(CultureInfo.InvariantCulture) : "+" + bi.ToString(CultureInfo.InvariantCulture)));
                break;
            case PassableError e:
                sb.Append("{\"#error\":");
                WriteString(sb, e.Message);
                sb.Append(",\"name\":");
                WriteString(sb, e.Name);
                sb.Append('}');
                break;
            case SlotRef r:
                WriteString(sb, (r.IsPromise ? "&" : "$") + r.Index.ToString(CultureInfo.InvariantCulture)
                    + (r.Interface is null || r.IsPromise ? "" : "." + r.Interface));
                break;
            case IReadOnlyDictionary<string, object?> rec:
                sb.Append('{');
                var first = true;
                foreach (var key in rec.Keys.OrderBy(k => k, StringComparer.Ordinal))
                {
                    if (key.StartsWith('#')) throw new ArgumentException($"not passable: record key '{key}' starts with '#' (reserved by smallcaps)");
                    if (!first) sb.Append(',');
                    first = false;
                    WriteString(sb, key);
                    sb.Append(':');
                    Write(sb, rec[key]);
                }
                sb.Append('}');
                break;
            case System.Collections.IEnumerable list:
                sb.Append('[');
                var firstItem = true;
                foreach (var item in list)
                {
                    if (!firstItem) sb.Append(',');
                    firstItem = false;
                    Write(sb, item);
                }
                sb.Append(']');
                break;
            default:
                throw new ArgumentException($"not passable: a value of type {v.GetType().Name}");
        }
    }

    private static bool NeedsEscape(string s) => s.Length > 0 && s[0] >= '!' && s[0] <= '-';

    private static void WriteDouble(StringBuilder sb, double d)
    {
        if (double.IsNaN(d)) { sb.Append("\"#NaN\""); return; }
        if (double.IsPositiveInfinity(d)) { sb.Append("\"#Infinity\""); return; }
        if (double.IsNegativeInfinity(d)) { sb.Append("\"#-Infinity\""); return; }
        if (d == Math.Floor(d) && Math.Abs(d) < 1e15) { sb.Append(((long)d).ToString(CultureInfo.InvariantCulture)); return; }
        sb.Append(d.ToString("R", CultureInfo.InvariantCulture));
    }

    private static void WriteString(StringBuilder sb, string s) => sb.Append(JsonSerializer.Serialize(s, JsonOptions));

    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Decodes a smallcaps body; throws <see cref="FormatException"/> when the body is malformed.</summary>
    public static object? Decode(string body, int slotCount)
    {
        if (body is null || body.Length == 0 || body[0] != '#')
            throw new FormatException("capdata body must start with '#' (smallcaps)");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(body.AsMemory(1)); }
        catch (JsonException e) { throw new FormatException($"capdata body is not JSON: {e.Message}"); }
        catch (ArgumentException e) { throw new FormatException($"capdata body is not well-formed text: {e.Message}"); }
        using (doc)
        {
            // a string escaping a lone surrogate is JSON, but reads as no string
            try { return Read(doc.RootElement, slotCount); }
            catch (InvalidOperationException e) { throw new FormatException($"capdata body is not well-formed text: {e.Message}"); }
        }
    }

    /// <summary>Checks that a body is well-formed smallcaps whose slot references fit <paramref name="slotCount"/>.</summary>
    public static bool IsWellFormed(string body, int slotCount, out string? problem)
    {
        try { Decode(body, slotCount); problem = null; return true; }
        catch (FormatException e) { problem = e.Message; return false; }
    }

    private static object? Read(JsonElement e, int slotCount)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Null: return null;
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
            case JsonValueKind.Number:
                if (e.TryGetInt64(out var l)) return l;
                return e.GetDouble();
            case JsonValueKind.Array:
                return e.EnumerateArray().Select(x => Read(x, slotCount)).ToList();
            case JsonValueKind.Object:
                if (e.TryGetProperty("#error", out var msg))
                {
                    var name = e.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "Error";
                    if (msg.ValueKind != JsonValueKind.String) throw new FormatException("#error message must be a string");
                    return new PassableError(name, msg.GetString()!);
                }
                var rec = new SortedDictionary<string, object?>(StringComparer.Ordinal);
                foreach (var p in e.EnumerateObject())
                {
                    if (p.Name.StartsWith('#')) throw new FormatException($"unknown smallcaps record tag '{p.Name}'");
                    rec[p.Name] = Read(p.Value, slotCount);
                }
                return rec;
            case JsonValueKind.String:
                return ReadString(e.GetString()!, slotCount);
            default:
                throw new FormatException("unexpected JSON value");
        }
    }

    private static object? ReadString(string s, int slotCount)
    {
        if (!NeedsEscape(s)) return s;
        switch (s[0])
        {
            case '!': return s[1..];
            case '#':
                return s switch
                {
                    "#undefined" => Undefined.Value,
                    "#NaN" => double.NaN,
                    "#Infinity" => double.PositiveInfinity,
                    "#-Infinity" => double.NegativeInfinity,
                    _ => throw new FormatException($"unknown smallcaps constant '{s}'"),
                };
            case '+':
            case '-':
                if (s.Length < 2 || !BigInteger.TryParse(s.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var bi))
                    throw new FormatException($"bad bigint '{s}'");
                return s[0] == '-' ? BigInteger.Negate(bi) : bi;
            case '$':
            case '&':
                {
                    var dot = s.IndexOf('.');
                    var digits = dot < 0 ? s.AsSpan(1) : s.AsSpan(1, dot - 1);
                    if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                        throw new FormatException($"bad slot reference '{s}'");
                    if (index >= slotCount)
                        throw new FormatException($"slot reference '{s}' but only {slotCount} slot(s)");
                    return new SlotRef(index, s[0] == '&', dot < 0 ? null : s[(dot + 1)..]);
                }
            default:
                throw new FormatException($"unsupported smallcaps encoding '{s}'");
        }
    }
}
