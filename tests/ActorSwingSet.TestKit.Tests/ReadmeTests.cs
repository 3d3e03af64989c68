using Xunit;

namespace ActorSwingSet.TestKit.Tests;

/// <summary>The README's "Testing your vats" example is <c>ReadmeExample.cs</c>, which runs as a test.</summary>
public sealed class ReadmeTests
{
    private static string Copied(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "readme", name)).ReplaceLineEndings("\n");

    [Fact]
    public void The_README_shows_ReadmeExample_cs_verbatim_in_under_25_lines()
    {
        var readme = Copied("README.md");
        var section = readme.IndexOf("\n## Testing your vats\n", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no 'Testing your vats' section");
        var fence = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal);
        Assert.True(fence >= 0, "the section has no csharp code block");
        var start = fence + "```csharp\n".Length;

        var shown = readme[start..readme.IndexOf("```\n", start, StringComparison.Ordinal)];

        Assert.Equal(Copied("ReadmeExample.cs"), shown);
        Assert.InRange(shown.Split('\n', StringSplitOptions.None).Length - 1, 10, 24);
    }
}
