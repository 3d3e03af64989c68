using System.Globalization;

namespace ActorSwingSet;

/// <summary>The three kinds of kernel reference.</summary>
public enum KrefKind : byte
{
    /// <summary><c>koN</c>: an object exported by some vat.</summary>
    Object,
    /// <summary><c>kpN</c>: a kernel promise.</summary>
    Promise,
    /// <summary><c>kdN</c>: a device node (reserved; no devices yet).</summary>
    Device,
}

/// <summary>A kernel reference (<c>koN</c>, <c>kpN</c> or <c>kdN</c>): a kind and a number.</summary>
/// <param name="Kind">Object, promise or device.</param>
/// <param name="Id">The number after the prefix.</param>
public readonly record struct Kref(KrefKind Kind, long Id) : IComparable<Kref>
{
    /// <summary>True for <c>koN</c>.</summary>
    public bool IsObject => Kind == KrefKind.Object;
    /// <summary>True for <c>kpN</c>.</summary>
    public bool IsPromise => Kind == KrefKind.Promise;

    /// <summary><c>ko</c><paramref name="id"/>.</summary>
    public static Kref Object(long id) => new(KrefKind.Object, id);
    /// <summary><c>kp</c><paramref name="id"/>.</summary>
    public static Kref Promise(long id) => new(KrefKind.Promise, id);

    /// <summary>The kref as SwingSet writes it: <c>koN</c>, <c>kpN</c> or <c>kdN</c>.</summary>
    public override string ToString() => Kind switch
    {
        KrefKind.Object => "ko" + Id.ToString(CultureInfo.InvariantCulture),
        KrefKind.Promise => "kp" + Id.ToString(CultureInfo.InvariantCulture),
        _ => "kd" + Id.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Parses <c>koN</c>, <c>kpN</c> or <c>kdN</c>; throws <see cref="FormatException"/> otherwise.</summary>
    public static Kref Parse(string s) =>
        TryParse(s, out var k) ? k : throw new FormatException($"not a kernel reference: '{s}'");

    /// <summary>Parses <c>koN</c>, <c>kpN</c> or <c>kdN</c> (N a plain decimal number without leading zeros); false otherwise.</summary>
    public static bool TryParse(string? s, out Kref kref)
    {
        kref = default;
        if (s is null || s.Length < 3 || s[0] != 'k') return false;
        KrefKind kind;
        switch (s[1])
        {
            case 'o': kind = KrefKind.Object; break;
            case 'p': kind = KrefKind.Promise; break;
            case 'd': kind = KrefKind.Device; break;
            default: return false;
        }
        if (!NumberText.TryParseNat(s.AsSpan(2), out var id)) return false;
        kref = new Kref(kind, id);
        return true;
    }

    /// <summary>Orders as the kvStore orders key text, so enumerations match SwingSet's.</summary>
    public int CompareTo(Kref other)
    {
        if (Kind != other.Kind) return string.CompareOrdinal(Prefix(Kind), Prefix(other.Kind));
        Span<char> a = stackalloc char[20];
        Span<char> b = stackalloc char[20];
        Id.TryFormat(a, out var na, default, CultureInfo.InvariantCulture);
        other.Id.TryFormat(b, out var nb, default, CultureInfo.InvariantCulture);
        return a[..na].SequenceCompareTo(b[..nb]);
    }

    private static string Prefix(KrefKind k) => k switch { KrefKind.Object => "ko", KrefKind.Promise => "kp", _ => "kd" };
}

/// <summary>Strict parsing of the decimal numbers that appear in references and IDs.</summary>
internal static class NumberText
{
    /// <summary>A natural number with no sign, no leading zero (except "0") and no other characters.</summary>
    public static bool TryParseNat(ReadOnlySpan<char> s, out long value)
    {
        value = 0;
        if (s.IsEmpty || s.Length > 18) return false;
        if (s.Length > 1 && s[0] == '0') return false;
        foreach (var c in s)
        {
            if (c < '0' || c > '9') return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }
}
