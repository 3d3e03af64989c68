using System.Text;

namespace ActorSwingSet.TestKit;

/// <summary>
/// What changed between two kvStore dumps (<see cref="TestKernel.DumpAsync"/>): keys added, removed and changed.
/// <see cref="ToString"/> lists them one a line, in key order: <c>+ key = value</c>, <c>- key = value</c>,
/// <c>~ key: before -&gt; after</c>.
/// </summary>
public sealed class KvDiff
{
    /// <summary>At most this many keys are listed by <see cref="ToString"/>; the rest are counted.</summary>
    public const int MaxListedKeys = 50;

    private readonly IReadOnlyList<string> _lines;

    private KvDiff(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after)
    {
        Added = [.. after.Keys.Where(k => !before.ContainsKey(k)).Order(StringComparer.Ordinal)];
        Removed = [.. before.Keys.Where(k => !after.ContainsKey(k)).Order(StringComparer.Ordinal)];
        Changed = [.. before.Keys.Where(k => after.TryGetValue(k, out var v) && v != before[k]).Order(StringComparer.Ordinal)];
        _lines = KernelStateDump.Diff(before, after);
    }

    /// <summary>The differences from <paramref name="before"/> to <paramref name="after"/>.</summary>
    public static KvDiff Between(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after) =>
        Between(before, after, []);

    /// <summary>
    /// The differences from <paramref name="before"/> to <paramref name="after"/>, leaving out keys that start with
    /// any of <paramref name="ignoredKeyPrefixes"/> (e.g. <c>kernelStats</c>, <c>crankNumber</c>).
    /// </summary>
    public static KvDiff Between(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after, params string[] ignoredKeyPrefixes)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(ignoredKeyPrefixes);
        return new KvDiff(Without(before, ignoredKeyPrefixes), Without(after, ignoredKeyPrefixes));
    }

    private static Dictionary<string, string> Without(IReadOnlyDictionary<string, string> kv, string[] prefixes) =>
        kv.Where(e => !prefixes.Any(p => e.Key.StartsWith(p, StringComparison.Ordinal)))
          .ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

    /// <summary>Keys only the second dump has, in key order.</summary>
    public IReadOnlyList<string> Added { get; }

    /// <summary>Keys only the first dump has, in key order.</summary>
    public IReadOnlyList<string> Removed { get; }

    /// <summary>Keys both dumps have with different values, in key order.</summary>
    public IReadOnlyList<string> Changed { get; }

    /// <summary>Whether the dumps are the same.</summary>
    public bool IsEmpty => _lines.Count == 0;

    /// <summary>A summary line, then one line per differing key (at most <see cref="MaxListedKeys"/>).</summary>
    public override string ToString()
    {
        if (IsEmpty) return "no differences";
        var text = new StringBuilder($"{_lines.Count} key(s) differ: {Added.Count} added, {Removed.Count} removed, {Changed.Count} changed");
        foreach (var line in _lines.Take(MaxListedKeys)) text.Append('\n').Append(line);
        if (_lines.Count > MaxListedKeys) text.Append($"\n... and {_lines.Count - MaxListedKeys} more");
        return text.ToString();
    }
}
