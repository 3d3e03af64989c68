using Microsoft.CodeAnalysis;

namespace ActorSwingSet.Analyzers;

/// <summary>
/// The .NET APIs vat code may not use, by the type that declares them (its full metadata name) and the member: the
/// wall clock, randomness, timers, the thread pool, threads, files and the network, the process environment. For a
/// type that is a source of non-determinism as a whole (<c>File</c>, <c>ThreadPool</c>, <c>Process</c>, ...) its
/// constructors and static members are flagged; an instance member needs an instance that one of them made.
/// </summary>
internal static class BannedApis
{
    private const string Constructor = ".ctor";
    private const string AnyStatic = "*";

    private static readonly Dictionary<string, Dictionary<string, DiagnosticDescriptor>> ByType = Build();

    private static Dictionary<string, Dictionary<string, DiagnosticDescriptor>> Build()
    {
        var table = new Dictionary<string, Dictionary<string, DiagnosticDescriptor>>(StringComparer.Ordinal);
        void Add(DiagnosticDescriptor rule, string type, params string[] members)
        {
            if (!table.TryGetValue(type, out var byMember)) table[type] = byMember = new Dictionary<string, DiagnosticDescriptor>(StringComparer.Ordinal);
            foreach (var member in members) byMember[member] = rule;
        }

        Add(VatDiagnostics.WallClock, "System.DateTime", "Now", "UtcNow", "Today");
        Add(VatDiagnostics.WallClock, "System.DateTimeOffset", "Now", "UtcNow");
        Add(VatDiagnostics.WallClock, "System.Diagnostics.Stopwatch", AnyStatic, Constructor);
        Add(VatDiagnostics.WallClock, "System.Environment", "TickCount", "TickCount64");
        Add(VatDiagnostics.WallClock, "System.TimeProvider", "System");

        Add(VatDiagnostics.Randomness, "System.Random", AnyStatic, Constructor);
        Add(VatDiagnostics.Randomness, "System.Security.Cryptography.RandomNumberGenerator", AnyStatic);
        Add(VatDiagnostics.Randomness, "System.Guid", "NewGuid", "CreateVersion7");
        Add(VatDiagnostics.Randomness, "System.IO.Path", "GetRandomFileName");

        Add(VatDiagnostics.Timers, "System.Threading.Tasks.Task", "Delay");
        Add(VatDiagnostics.Timers, "System.Threading.Thread", "Sleep");
        Add(VatDiagnostics.Timers, "System.Threading.Timer", Constructor);
        Add(VatDiagnostics.Timers, "System.Timers.Timer", Constructor);
        Add(VatDiagnostics.Timers, "System.Threading.PeriodicTimer", Constructor);
        Add(VatDiagnostics.Timers, "System.Threading.CancellationTokenSource", "CancelAfter");

        Add(VatDiagnostics.ThreadPool, "System.Threading.Tasks.Task", "Run", "Start");
        Add(VatDiagnostics.ThreadPool, "System.Threading.Tasks.TaskFactory", "StartNew");
        Add(VatDiagnostics.ThreadPool, "System.Threading.Tasks.TaskFactory`1", "StartNew");
        Add(VatDiagnostics.ThreadPool, "System.Threading.ThreadPool", AnyStatic);

        Add(VatDiagnostics.Threads, "System.Threading.Thread", Constructor);
        Add(VatDiagnostics.Threads, "System.Threading.Tasks.Parallel", AnyStatic);
        Add(VatDiagnostics.Threads, "System.Linq.ParallelEnumerable", "AsParallel");

        foreach (var type in new[] { "File", "Directory", "FileInfo", "DirectoryInfo", "FileStream", "DriveInfo", "FileSystemWatcher", "RandomAccess" })
        {
            Add(VatDiagnostics.FileAndNetwork, "System.IO." + type, AnyStatic, Constructor);
        }
        Add(VatDiagnostics.FileAndNetwork, "System.IO.Path", "GetTempPath", "GetTempFileName");

        Add(VatDiagnostics.EnvironmentAccess, "System.Environment", AnyStatic);
        Add(VatDiagnostics.EnvironmentAccess, "System.Diagnostics.Process", AnyStatic, Constructor);
        return table;
    }

    /// <summary>Types in <c>System.Net</c> that compute without I/O (parsing, encoding, constants).</summary>
    private static readonly HashSet<string> PureNetworkTypes = new(StringComparer.Ordinal)
    {
        "System.Net.WebUtility", "System.Net.IPAddress", "System.Net.IPNetwork", "System.Net.IPEndPoint",
        "System.Net.Http.HttpMethod", "System.Net.HttpStatusCode",
    };

    /// <summary>Members of <c>System.Environment</c> that are the same on every run on one platform.</summary>
    private static readonly HashSet<string> PureEnvironmentMembers = new(StringComparer.Ordinal) { "NewLine" };

    /// <summary>
    /// The rule <paramref name="member"/> breaks, used as <paramref name="member"/> (a constructor, a static or instance
    /// member), or null.
    /// </summary>
    internal static DiagnosticDescriptor? Classify(ISymbol member)
    {
        var type = member.ContainingType?.OriginalDefinition;
        if (type is null) return null;
        var typeName = MetadataName(type);
        var name = member is IMethodSymbol { MethodKind: MethodKind.Constructor } ? Constructor : member.Name;

        if (typeName == "System.IO.StreamReader" || typeName == "System.IO.StreamWriter")
        {
            // a reader or writer on a path opens a file; one on a stream it is given does not
            return name == Constructor && member is IMethodSymbol ctor && ctor.Parameters.Length > 0
                && ctor.Parameters[0].Type.SpecialType == SpecialType.System_String
                ? VatDiagnostics.FileAndNetwork
                : null;
        }
        if (typeName == "System.IO.Path" && name == "GetFullPath" && member is IMethodSymbol { Parameters.Length: 1 })
        {
            return VatDiagnostics.EnvironmentAccess; // relative to the current directory
        }
        if (typeName == "System.Threading.CancellationTokenSource" && member is IMethodSymbol { MethodKind: MethodKind.Constructor, Parameters.Length: > 0 })
        {
            return VatDiagnostics.Timers; // cancels itself after a delay
        }
        if (typeName == "System.Environment" && PureEnvironmentMembers.Contains(name)) return null;

        if (ByType.TryGetValue(typeName, out var byMember))
        {
            if (byMember.TryGetValue(name, out var rule)) return rule;
            if (member.IsStatic && name != Constructor && byMember.TryGetValue(AnyStatic, out var anyStatic)) return anyStatic;
            return null;
        }
        if (IsNetworkNamespace(type.ContainingNamespace) && !PureNetworkTypes.Contains(typeName)
            && (member.IsStatic || name == Constructor) && type.TypeKind != TypeKind.Enum)
        {
            return VatDiagnostics.FileAndNetwork;
        }
        return null;
    }

    /// <summary>How a diagnostic names <paramref name="member"/>: <c>DateTime.Now</c>, <c>new Random</c>.</summary>
    internal static string Display(ISymbol member)
    {
        var type = member.ContainingType?.Name ?? "";
        return member is IMethodSymbol { MethodKind: MethodKind.Constructor } ? "new " + type : type + "." + member.Name;
    }

    private static bool IsNetworkNamespace(INamespaceSymbol? ns)
    {
        for (; ns is not null && !ns.IsGlobalNamespace; ns = ns.ContainingNamespace)
        {
            if (ns.Name == "Net" && ns.ContainingNamespace is { Name: "System" } system && system.ContainingNamespace.IsGlobalNamespace) return true;
        }
        return false;
    }

    internal static string MetadataName(INamedTypeSymbol type)
    {
        if (type.ContainingType is { } outer) return MetadataName(outer) + "+" + type.MetadataName;
        var ns = type.ContainingNamespace;
        return ns is null || ns.IsGlobalNamespace ? type.MetadataName : ns.ToDisplayString() + "." + type.MetadataName;
    }
}
