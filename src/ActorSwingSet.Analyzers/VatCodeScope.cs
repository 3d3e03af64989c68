using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace ActorSwingSet.Analyzers;

/// <summary>
/// Decides which types of a compilation are vat code: a type implementing <c>IVat</c> or <c>IRawVat</c>, a type
/// marked <c>[Far]</c> (or deriving from one), a kind's behaviour type (the <c>T</c> of a <c>Kind&lt;T&gt;</c> in a
/// signature, or a type with a constructor taking <c>ObjectState</c>), and any type nested in one of those; or every
/// type, when the assembly says <c>[assembly: VatCode]</c>. The ActorSwingSet types are recognised by simple name and
/// by their assembly's name, <c>ActorSwingSet</c>, whatever their namespace. The kernel's own assembly is never vat code.
/// </summary>
internal sealed class VatCodeScope
{
    internal const string ApiAssembly = "ActorSwingSet";

    private readonly bool _wholeAssembly;
    private readonly Lazy<ImmutableHashSet<INamedTypeSymbol>> _kindTypes;
    private readonly ConcurrentDictionary<INamedTypeSymbol, bool> _verdicts = new(SymbolEqualityComparer.Default);

    private VatCodeScope(Compilation compilation)
    {
        _wholeAssembly = compilation.Assembly.GetAttributes().Any(a => IsApiType(a.AttributeClass, "VatCodeAttribute"));
        _kindTypes = new Lazy<ImmutableHashSet<INamedTypeSymbol>>(() => FindKindTypes(compilation.Assembly.GlobalNamespace));
    }

    /// <summary>The scope of <paramref name="compilation"/>, or null when it cannot hold vat code (it does not reference the vat API, or it is the kernel).</summary>
    internal static VatCodeScope? For(Compilation compilation)
    {
        if (compilation.AssemblyName == ApiAssembly) return null;
        return compilation.ReferencedAssemblyNames.Any(a => a.Name == ApiAssembly) ? new VatCodeScope(compilation) : null;
    }

    /// <summary>Whether code in <paramref name="symbol"/> (a member, a type, a lambda's method) is vat code.</summary>
    internal bool Contains(ISymbol? symbol)
    {
        if (_wholeAssembly) return true;
        var type = symbol as INamedTypeSymbol ?? symbol?.ContainingType;
        return type is not null && IsVatType(type);
    }

    private bool IsVatType(INamedTypeSymbol type) => _verdicts.GetOrAdd(type.OriginalDefinition, Decide);

    private bool Decide(INamedTypeSymbol type)
    {
        if (type.AllInterfaces.Any(i => IsApiType(i, "IVat") || IsApiType(i, "IRawVat"))) return true;
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t.GetAttributes().Any(a => IsApiType(a.AttributeClass, "FarAttribute"))) return true;
        }
        if (type.InstanceConstructors.Any(c => c.Parameters.Any(p => IsApiType(p.Type as INamedTypeSymbol, "ObjectState")))) return true;
        if (_kindTypes.Value.Contains(type)) return true;
        return type.ContainingType is { } outer && IsVatType(outer);
    }

    internal static bool IsApiType(INamedTypeSymbol? type, string name) =>
        type is not null && type.Name == name && type.ContainingAssembly?.Name == ApiAssembly;

    /// <summary>Every <c>T</c> of a <c>Kind&lt;T&gt;</c> in the signature of a member of a type of this assembly.</summary>
    private static ImmutableHashSet<INamedTypeSymbol> FindKindTypes(INamespaceSymbol root)
    {
        var found = ImmutableHashSet.CreateBuilder<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        var pending = new Stack<INamespaceOrTypeSymbol>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            foreach (var member in pending.Pop().GetMembers())
            {
                switch (member)
                {
                    case INamespaceOrTypeSymbol container:
                        pending.Push(container);
                        break;
                    case IFieldSymbol field:
                        Collect(field.Type, found);
                        break;
                    case IPropertySymbol property:
                        Collect(property.Type, found);
                        break;
                    case IMethodSymbol method:
                        Collect(method.ReturnType, found);
                        foreach (var parameter in method.Parameters) Collect(parameter.Type, found);
                        break;
                }
            }
        }
        return found.ToImmutable();
    }

    private static void Collect(ITypeSymbol type, ImmutableHashSet<INamedTypeSymbol>.Builder found)
    {
        if (type is IArrayTypeSymbol array)
        {
            Collect(array.ElementType, found);
            return;
        }
        if (type is not INamedTypeSymbol named || !named.IsGenericType) return;
        if (IsApiType(named, "Kind") && named.TypeArguments[0] is INamedTypeSymbol behaviour)
        {
            found.Add(behaviour.OriginalDefinition);
        }
        foreach (var argument in named.TypeArguments) Collect(argument, found);
    }
}
