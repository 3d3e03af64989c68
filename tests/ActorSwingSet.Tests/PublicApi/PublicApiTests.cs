using System.Reflection;
using ActorSwingSet.Hosting;
using ActorSwingSet.TestKit;
using PublicApiGenerator;
using Xunit;

namespace ActorSwingSet.Tests.PublicApi;

/// <summary>
/// The public surface of each shipped library is pinned: it is generated from the built assembly and compared with
/// the approved file committed beside this test, so a change to the public API shows up in review as a change to
/// that file. To accept a change, copy the <c>.received.txt</c> the failing test wrote over the <c>.approved.txt</c>.
/// The comparison ignores line endings; the generator already leaves out the assembly's version attributes
/// (file and informational version), so a release does not change the approved files.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void The_kernel_library_public_API_is_the_approved_one() =>
        AssertApproved(typeof(SwingSetController).Assembly);

    [Fact]
    public void The_hosting_library_public_API_is_the_approved_one() =>
        AssertApproved(typeof(SwingSetHostingExtensions).Assembly);

    [Fact]
    public void The_test_kit_public_API_is_the_approved_one() =>
        AssertApproved(typeof(TestKernel).Assembly);

    [Fact]
    public void Approved_and_received_APIs_that_differ_only_in_line_endings_match() =>
        Assert.Null(Difference("namespace A\r\n{\r\n}\r\n", "namespace A\n{\n}"));

    [Fact]
    public void A_changed_API_is_reported_at_its_first_differing_line()
    {
        var difference = Difference("namespace A\n{\n    public class B { }\n}\n", "namespace A\n{\n    public class C { }\n}\n");
        Assert.NotNull(difference);
        Assert.StartsWith("  line 3:\n    approved:     public class B { }\n    received:     public class C { }", difference);
    }

    [Fact]
    public void A_missing_approved_file_is_reported_from_the_first_line() =>
        Assert.StartsWith("  line 1:\n    approved: (end of file)\n    received: namespace A", Difference(null, "namespace A\n"));

    private static void AssertApproved(Assembly assembly)
    {
        var name = assembly.GetName().Name!;
        var folder = Path.Combine(AppContext.BaseDirectory, "PublicApi");
        var approvedPath = Path.Combine(folder, name + ".approved.txt");
        var receivedPath = Path.Combine(folder, name + ".received.txt");
        var received = assembly.GeneratePublicApi();
        var difference = Difference(File.Exists(approvedPath) ? File.ReadAllText(approvedPath) : null, received);
        if (difference is null)
        {
            File.Delete(receivedPath);
            return;
        }

        Directory.CreateDirectory(folder);
        File.WriteAllText(receivedPath, string.Join('\n', Lines(received)) + "\n");
        Assert.Fail(
            $"The public API of {name} differs from tests/ActorSwingSet.Tests/PublicApi/{name}.approved.txt. "
            + $"If the change is intended, copy {receivedPath} over that file and commit it.\n{difference}");
    }

    /// <summary>Null when the two APIs are the same but for line endings, else the first differing lines.</summary>
    private static string? Difference(string? approvedText, string receivedText)
    {
        var approved = approvedText is null ? [] : Lines(approvedText);
        var received = Lines(receivedText);
        if (received.SequenceEqual(approved, StringComparer.Ordinal))
        {
            return null;
        }

        var first = Enumerable.Range(0, Math.Max(received.Count, approved.Count))
            .First(i => i >= received.Count || i >= approved.Count || received[i] != approved[i]);
        return string.Join('\n', Enumerable.Range(first, 5)
            .Select(i => $"  line {i + 1}:\n    approved: {At(approved, i)}\n    received: {At(received, i)}"));
    }

    private static List<string> Lines(string text) =>
        [.. text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n')];

    private static string At(List<string> lines, int i) => i < lines.Count ? lines[i] : "(end of file)";
}
