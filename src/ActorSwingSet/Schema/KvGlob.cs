namespace ActorSwingSet.Schema;

/// <summary>
/// The part of SQLite's GLOB that <see cref="ICommittedKv.ReadRange"/> allows, for a kvStore held in memory:
/// <c>*</c> matches any run of characters, <c>?</c> any one character, every other character itself (case-sensitive).
/// </summary>
internal static class KvGlob
{
    /// <summary>Whether <paramref name="text"/> matches <paramref name="pattern"/>.</summary>
    public static bool IsMatch(string pattern, string text)
    {
        int p = 0, t = 0, star = -1, resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || (pattern[p] != '*' && pattern[p] == text[t])))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++resume;
            }
            else return false;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}
