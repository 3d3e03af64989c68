using System.Collections.Immutable;
using ActorSwingSet.Vats;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace ActorSwingSet.Analyzers.Tests;

/// <summary>
/// Runs the analyzer and the code fixes on test sources with Microsoft.CodeAnalysis.Testing, compiled against this
/// process's own runtime assemblies and the vat API: no reference-assembly package is resolved, so the tests need no
/// network and no package cache.
/// </summary>
internal static class Verify
{
    /// <summary>The usings every test source starts with.</summary>
    internal const string Usings = """
        #nullable enable
        using System;
        using System.Collections.Generic;
        using System.Collections.Immutable;
        using System.Diagnostics;
        using System.IO;
        using System.Linq;
        using System.Net;
        using System.Net.Http;
        using System.Net.Sockets;
        using System.Security.Cryptography;
        using System.Threading;
        using System.Threading.Tasks;
        using ActorSwingSet;
        using ActorSwingSet.Vats;

        """;

    private static readonly ImmutableArray<MetadataReference> References = LocalReferences();

    /// <summary>The shared framework this test runs on (the folder of System.Private.CoreLib) and the vat API.</summary>
    private static ImmutableArray<MetadataReference> LocalReferences()
    {
        var runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return trusted
            .Where(path => Path.GetDirectoryName(path) == runtime)
            .Append(typeof(IVat).Assembly.Location)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    }

    /// <summary>A reference set with no package: nothing to download.</summary>
    private static readonly ReferenceAssemblies NoPackages = new("net10.0");

    internal static DiagnosticResult Diagnostic(string id) => new(id, DiagnosticSeverity.Error);

    /// <summary>Checks that <paramref name="source"/> (after <see cref="Usings"/>) has exactly the marked and <paramref name="expected"/> diagnostics.</summary>
    internal static Task AnalyzerAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<VatDeterminismAnalyzer, DefaultVerifier>
        {
            TestCode = Usings + source,
            ReferenceAssemblies = NoPackages,
        };
        test.TestState.AdditionalReferences.AddRange(References);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>Checks the diagnostics of <paramref name="source"/> and that the code fixes turn it into <paramref name="fixedSource"/>.</summary>
    internal static Task CodeFixAsync(string source, string fixedSource, params DiagnosticResult[] expected)
    {
        var test = new CSharpCodeFixTest<VatDeterminismAnalyzer, VatDeterminismCodeFixProvider, DefaultVerifier>
        {
            TestCode = Usings + source,
            FixedCode = Usings + fixedSource,
            ReferenceAssemblies = NoPackages,
        };
        test.TestState.AdditionalReferences.AddRange(References);
        test.FixedState.AdditionalReferences.AddRange(References);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>A vat whose root-building method runs <paramref name="statements"/>.</summary>
    internal static string InVat(string statements) => $$"""
        public sealed class TheVat : IVat
        {
            public object BuildRootObject(VatPowers powers, object? vatParameters, Baggage baggage)
            {
                {{statements}}
                return new object();
            }
        }
        """;

    /// <summary>Host code (no vat, no [Far], no kind) running <paramref name="statements"/>.</summary>
    internal static string InHost(string statements) => $$"""
        public static class Host
        {
            public static void Run()
            {
                {{statements}}
            }
        }
        """;
}
