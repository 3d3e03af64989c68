using Xunit;

namespace ActorSwingSet.Tests.Architecture;

/// <summary>
/// The folders of <c>src/ActorSwingSet</c> form layers, and a folder uses only the layers below its own: never a
/// folder above it, nor another folder of its own layer. This is the one place the order is declared;
/// docs/ARCHITECTURE.md ("Layers") mirrors it. Uses are found by <see cref="FolderDependencies"/>, by folder (a type's
/// namespace does not matter, only the folder its file sits in).
/// </summary>
public sealed class FolderLayerTests
{
    /// <summary>Bottom to top; the folders of one layer may not use each other.</summary>
    private static readonly string[][] Layers =
    [
        ["References"],
        ["Marshal", "Schema"],
        ["Protocol"],
        ["Persistence"],
        ["Vat"],
        ["Liveslots", "Kernel"],
        ["Dump"],
        ["VatAdmin", "Remediation"],
        ["Audit", "Observability"],
        ["Controller"],
    ];

    [Fact]
    public void Every_folder_of_the_library_has_a_layer_and_every_layer_folder_exists()
    {
        var declared = Layers.SelectMany(l => l).ToList();
        Assert.Equal(declared.Count, declared.Distinct(StringComparer.Ordinal).Count());
        var undeclared = FolderDependencies.Folders.Except(declared, StringComparer.Ordinal).ToList();
        var missing = declared.Except(FolderDependencies.Folders, StringComparer.Ordinal).ToList();
        Assert.True(undeclared.Count == 0 && missing.Count == 0,
            (undeclared.Count > 0
                ? $"folders of {FolderDependencies.LibraryFolder} with no layer (add them to {nameof(Layers)} and to docs/ARCHITECTURE.md): " +
                  $"{string.Join(", ", undeclared)}\n"
                : "") +
            (missing.Count > 0 ? $"layer folders with no source file left (remove them from {nameof(Layers)} and docs/ARCHITECTURE.md): {string.Join(", ", missing)}" : ""));
    }

    [Fact]
    public void No_folder_uses_a_folder_above_it_or_beside_it()
    {
        var violations = Violations().ToList();
        Assert.True(violations.Count == 0,
            $"a folder uses a folder above it or beside it (layers, bottom to top: {Order()}):\n" +
            string.Join("\n", violations.DistinctBy(u => (u.File, u.Symbol)).Select(u => "  " + u)));
    }

    /// <summary>Every use whose target folder is not in a layer below its own.</summary>
    private static IEnumerable<FolderUse> Violations()
    {
        var layer = Layers.SelectMany((folders, i) => folders.Select(f => (f, i))).ToDictionary(p => p.f, p => p.i, StringComparer.Ordinal);
        return FolderDependencies.Uses.Where(u => !layer.TryGetValue(u.From, out var from) || !layer.TryGetValue(u.To, out var to) || to >= from);
    }

    private static string Order() => string.Join(" < ", Layers.Select(l => l.Length == 1 ? l[0] : "{" + string.Join(", ", l) + "}"));
}
