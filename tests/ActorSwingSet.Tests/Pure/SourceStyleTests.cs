using System.Globalization;
using Xunit;

namespace ActorSwingSet.Tests.Pure;

/// <summary>
/// The part of the code style that Roslyn cannot check: no line of C# in the repository is wider than the
/// <c>max_line_length</c> of the root <c>.editorconfig</c> (the rest of that file is enforced by the build). A
/// failure names the file and line of every offender.
/// </summary>
public sealed class SourceStyleTests
{
    private static readonly string[] Trees = ["src", "tests", "samples", "bench"];

    [Fact]
    public void No_line_of_CSharp_is_wider_than_the_editorconfig_allows()
    {
        var root = RepositoryRoot();
        var width = MaxLineLength(File.ReadAllLines(Path.Combine(root, ".editorconfig")));
        var offenders = SourceFiles(root)
            .SelectMany(file => TooWide(File.ReadAllLines(file), width)
                .Select(line => $"{Path.GetRelativePath(root, file)}:{line.Number}: {line.Width} characters"))
            .ToList();
        Assert.True(offenders.Count == 0,
            $"{offenders.Count} lines are wider than {width} characters (max_line_length in .editorconfig):\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void A_line_is_too_wide_only_past_the_limit()
    {
        string[] lines = [new string('x', 10), new string('x', 11), "", new string('x', 12)];
        Assert.Equal([(2, 11), (4, 12)], TooWide(lines, 10).Select(l => (l.Number, l.Width)));
    }

    [Fact]
    public void The_limit_is_read_from_the_CSharp_section_of_the_editorconfig() =>
        Assert.Equal(100, MaxLineLength(["root = true", "[*]", "max_line_length = 80", "[*.cs]", "max_line_length = 100", "[*.md]", "max_line_length = 60"]));

    private static IEnumerable<(int Number, int Width)> TooWide(IReadOnlyList<string> lines, int width)
    {
        for (var i = 0; i < lines.Count; i++)
            if (lines[i].Length > width) yield return (i + 1, lines[i].Length);
    }

    /// <summary>The <c>max_line_length</c> of the <c>[*.cs]</c> section.</summary>
    private static int MaxLineLength(IEnumerable<string> editorconfig)
    {
        var section = "";
        foreach (var raw in editorconfig)
        {
            var line = raw.Trim();
            if (line.StartsWith('[')) section = line;
            else if (section == "[*.cs]" && line.StartsWith("max_line_length", StringComparison.Ordinal))
                return int.Parse(line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..].Trim(), CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException(".editorconfig has no max_line_length in its [*.cs] section");
    }

    private static IEnumerable<string> SourceFiles(string root) =>
        Trees.Select(tree => Path.Combine(root, tree))
            .Where(Directory.Exists)
            .SelectMany(tree => Directory.EnumerateFiles(tree, "*.cs", SearchOption.AllDirectories))
            .Where(file => !IsBuildOutput(Path.GetRelativePath(root, file)))
            .Order(StringComparer.Ordinal);

    private static bool IsBuildOutput(string relativePath) =>
        relativePath.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Any(part => part is "bin" or "obj");

    private static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "ActorSwingSet.sln"))) return d.FullName;
        throw new InvalidOperationException("ActorSwingSet.sln not found above " + AppContext.BaseDirectory);
    }
}
