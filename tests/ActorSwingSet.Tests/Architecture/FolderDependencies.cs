using System.Collections.Immutable;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ActorSwingSet.Tests.Architecture;

/// <summary>One use of a symbol declared in another folder: where it is used and what it is.</summary>
internal sealed record FolderUse(string From, string To, string File, int Line, string Symbol)
{
    public override string ToString() => $"{File}:{Line} uses {Symbol} ({From} -> {To})";
}

/// <summary>
/// The folder dependency graph of <c>src/ActorSwingSet</c>, by folder and not by namespace: every source file is
/// compiled (against the assemblies the built library references) and every name in it, explicit or
/// implied (<c>var</c>, target-typed <c>new()</c>, an extension method), is bound to its symbol; the symbol's
/// declaring file names the folder used. A folder is the first path segment under <c>src/ActorSwingSet</c>.
/// Names in XML documentation comments are not uses.
/// </summary>
internal static class FolderDependencies
{
    /// <summary>The library's folder under the repository root.</summary>
    public const string LibraryFolder = "src/ActorSwingSet";

    /// <summary>The folder of a file at the library's root, outside any folder.</summary>
    public const string RootFolder = "(root)";

    private static readonly Lazy<(IReadOnlyList<FolderUse> Uses, IReadOnlyList<string> Folders)> Measured = new(Measure);

    /// <summary>Every cross-folder use, in file and line order.</summary>
    public static IReadOnlyList<FolderUse> Uses => Measured.Value.Uses;

    /// <summary>Every folder that holds a source file, in ordinal order.</summary>
    public static IReadOnlyList<string> Folders => Measured.Value.Folders;

    /// <summary>The repository's root: the folder above the test's output that holds <c>ActorSwingSet.sln</c>.</summary>
    public static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "ActorSwingSet.sln"))) return d.FullName;
        throw new InvalidOperationException("ActorSwingSet.sln not found above " + AppContext.BaseDirectory);
    }

    private static (IReadOnlyList<FolderUse>, IReadOnlyList<string>) Measure()
    {
        var library = Path.Combine(RepositoryRoot(), LibraryFolder);
        var parse = new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.None);
        var files = Directory.EnumerateFiles(library, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(library, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("obj/", StringComparison.Ordinal) && !f.StartsWith("bin/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        var trees = files
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(Path.Combine(library, f)), parse, path: f))
            .Append(CSharpSyntaxTree.ParseText(GlobalUsings(Path.Combine(library, "ActorSwingSet.csproj")), parse, path: ""))
            .ToList();
        var compilation = CSharpCompilation.Create(
            "ActorSwingSet",
            trees,
            References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        // Every name must bind: a name the test cannot bind is a use it cannot place, so it fails instead of
        // missing an edge. Each file is bound on its own (they share the compilation), in parallel.
        var walked = trees.Where(t => t.FilePath.Length > 0).AsParallel().AsOrdered().Select(t => Walk(compilation, t)).ToList();
        var unbound = walked.SelectMany(w => w.Unbound).ToList();
        if (unbound.Count > 0)
            throw new InvalidOperationException(
                "the layering test could not bind these names in src/ActorSwingSet, so it cannot place their uses:\n" + string.Join("\n", unbound.Take(10)));
        var uses = walked.SelectMany(w => w.Uses).ToList();
        return (uses, files.Select(FolderOf).Distinct().Order(StringComparer.Ordinal).ToList());
    }

    private static (List<FolderUse> Uses, List<string> Unbound) Walk(CSharpCompilation compilation, SyntaxTree tree)
    {
        var uses = new List<FolderUse>();
        var unbound = new List<string>();
        var from = FolderOf(tree.FilePath);
        var model = compilation.GetSemanticModel(tree);
        foreach (var node in tree.GetRoot().DescendantNodes())
        {
            if (node is not (SimpleNameSyntax or ImplicitObjectCreationExpressionSyntax)) continue;
            var info = model.GetSymbolInfo(node);
            var symbol = info.Symbol ?? (info.CandidateSymbols.Length > 0 ? info.CandidateSymbols[0] : null);
            if (symbol is null)
            {
                if (node is SimpleNameSyntax) unbound.Add($"{tree.FilePath}:{Line(node)} {node}");
                continue;
            }
            foreach (var to in DeclaringFolders(symbol))
                if (to != from)
                    uses.Add(new FolderUse(from, to, tree.FilePath, Line(node), Describe(symbol)));
        }
        return (uses, unbound);
    }

    private static int Line(SyntaxNode node) => node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;

    /// <summary>The folders a symbol is declared in; none for namespaces, locals, parameters and metadata.</summary>
    private static IEnumerable<string> DeclaringFolders(ISymbol symbol)
    {
        if (symbol is INamespaceSymbol or ILocalSymbol or IParameterSymbol or ITypeParameterSymbol or ILabelSymbol or IRangeVariableSymbol)
            return [];
        if (symbol is IMethodSymbol { ReducedFrom: { } extension }) symbol = extension;
        symbol = symbol.OriginalDefinition;
        return symbol.Locations
            .Where(l => l.IsInSource && l.SourceTree!.FilePath.Length > 0)
            .Select(l => FolderOf(l.SourceTree!.FilePath))
            .Distinct();
    }

    private static string Describe(ISymbol symbol)
    {
        var type = symbol as INamedTypeSymbol ?? symbol.ContainingType;
        var name = type is null ? symbol.Name : type.OriginalDefinition.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);
        return symbol is INamedTypeSymbol || type is null ? name : name + "." + symbol.Name;
    }

    private static string FolderOf(string relativePath)
    {
        var slash = relativePath.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? RootFolder : relativePath[..slash];
    }

    /// <summary>The SDK's implicit global usings for a library plus the project's own <c>Using</c> items.</summary>
    private static string GlobalUsings(string project)
    {
        string[] implicitUsings =
            ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];
        var own = XDocument.Load(project).Descendants("Using")
            .Select(u => (string?)u.Attribute("Include"))
            .OfType<string>();
        return string.Concat(implicitUsings.Concat(own).Select(n => $"global using global::{n};\n"));
    }

    /// <summary>
    /// What the library compiles against: the assemblies the built library references, and theirs in turn, found
    /// among the framework's and the test's output folder (the compiled library is left out: the compilation would
    /// see its own types twice). Only these, so the compiler loads a few dozen assemblies, not the test's hundreds.
    /// </summary>
    private static ImmutableArray<MetadataReference> References()
    {
        var available = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll"))
            .DistinctBy(Path.GetFileNameWithoutExtension, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(p => Path.GetFileNameWithoutExtension(p), StringComparer.OrdinalIgnoreCase);
        var library = typeof(ActorSwingSet.SwingSetController).Assembly;
        var found = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var next = new Queue<System.Reflection.AssemblyName>(library.GetReferencedAssemblies());
        while (next.TryDequeue(out var name))
        {
            if (name.Name is not { } simple || found.ContainsKey(simple) || !available.TryGetValue(simple, out var path)) continue;
            found[simple] = path;
            using var stream = File.OpenRead(path);
            using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
            if (!pe.HasMetadata) continue;
            var metadata = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
            foreach (var handle in metadata.AssemblyReferences)
                next.Enqueue(new System.Reflection.AssemblyName(metadata.GetString(metadata.GetAssemblyReference(handle).Name)));
        }
        return found.Values.Order(StringComparer.Ordinal).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    }
}
