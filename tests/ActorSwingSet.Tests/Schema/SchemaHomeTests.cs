using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using ActorSwingSet.Schema;
using Xunit;

namespace ActorSwingSet.Tests.Schema;

/// <summary>
/// The schema and the semantics live in the repository: every key is spelled in Schema/ alone, and every
/// "semantics section N" the code cites is a section of docs/KERNEL-SEMANTICS.md.
/// </summary>
public sealed partial class SchemaHomeTests
{
    private static string RepoRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", ".."));

    private static IEnumerable<string> SourceFiles(params string[] folders) =>
        folders.SelectMany(f => Directory.EnumerateFiles(Path.Combine(RepoRoot(), f), "*.cs", SearchOption.AllDirectories))
            .Where(p => !p.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"));

    // a citation: a word ending in "semantics" (any case, maybe ".md"), "section", a number
    [GeneratedRegex(@"([\w/.-]*semantics[\w.]*) section (\d+)", RegexOptions.IgnoreCase)]
    private static partial Regex SectionReference();

    [Fact]
    public void Every_semantics_reference_names_a_section_of_the_docs_page()
    {
        var page = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "KERNEL-SEMANTICS.md"));
        var sections = Regex.Matches(page, @"^## (\d+)\. ", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToHashSet();
        var references = 0;
        foreach (var file in SourceFiles("src", "tests"))
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotContain("shared/" + "KERNEL-SEMANTICS", text, StringComparison.Ordinal); // the page outside the repository
            foreach (Match m in SectionReference().Matches(text))
            {
                references++;
                Assert.True(m.Groups[1].Value == "docs/KERNEL-SEMANTICS.md", $"{Path.GetFileName(file)} cites '{m.Value}', not docs/KERNEL-SEMANTICS.md");
                Assert.Contains(m.Groups[2].Value, sections);
            }
        }
        Assert.True(references > 0);
    }

    [Fact]
    public void No_kernel_key_is_spelled_outside_the_schema_folder()
    {
        // the catalogue's distinctive top-level keys and prefixes ("version" and the like are ordinary words elsewhere)
        var keys = typeof(KvKeys).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!)
            .Where(k => k.Contains('.', StringComparison.Ordinal) || k.Any(char.IsUpper)).ToList();
        Assert.Contains(KvKeys.GcActions, keys);
        var schema = Path.Combine(RepoRoot(), "src", "ActorSwingSet", "Schema") + Path.DirectorySeparatorChar;
        foreach (var file in SourceFiles("src").Where(f => !f.StartsWith(schema, StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            foreach (var key in keys)
                Assert.False(text.Contains('"' + key + '"', StringComparison.Ordinal), $"{Path.GetFileName(file)} spells \"{key}\"");
        }
    }
}
