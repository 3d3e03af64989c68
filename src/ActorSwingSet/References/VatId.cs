namespace ActorSwingSet.References;

/// <summary>Helpers for vat IDs (<c>vN</c>).</summary>
internal static class VatId
{
    /// <summary>The vat ID <c>v</c><paramref name="n"/>.</summary>
    public static string Of(long n) => "v" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>True when <paramref name="s"/> is <c>vN</c> (N a plain decimal number without leading zeros).</summary>
    public static bool IsValid(string? s) =>
        s is { Length: > 1 } && s[0] == 'v' && NumberText.TryParseNat(s.AsSpan(1), out _);

    /// <summary>Orders vat IDs numerically (v2 before v10).</summary>
    public static int Compare(string a, string b)
    {
        var na = NumberOf(a);
        var nb = NumberOf(b);
        return na != nb ? na.CompareTo(nb) : string.CompareOrdinal(a, b);
    }

    /// <summary>The N of <c>vN</c>; throws <see cref="FormatException"/> for anything else.</summary>
    public static long NumberOf(string vatId) =>
        NumberText.TryParseNat(vatId.AsSpan(1), out var n) ? n : throw new FormatException($"not a vat ID: '{vatId}'");
}
