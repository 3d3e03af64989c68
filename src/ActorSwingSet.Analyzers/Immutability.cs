using Microsoft.CodeAnalysis;

namespace ActorSwingSet.Analyzers;

/// <summary>
/// Whether a value of a type can never change once made, so that a static readonly field of it is not mutable state:
/// primitives, strings, enums, delegates, a few immutable library types, the System.Collections.Immutable and Frozen
/// collections of immutable elements, and types of this compilation (sealed classes, structs, records) whose instance
/// fields are all readonly and immutable. Arrays, interfaces and other library classes are taken as mutable.
/// </summary>
internal static class Immutability
{
    private static readonly HashSet<string> ImmutableLibraryTypes = new(StringComparer.Ordinal)
    {
        "System.Uri", "System.Version", "System.Type", "System.StringComparer",
        "System.Text.RegularExpressions.Regex", "System.Text.CompositeFormat",
    };

    internal static bool IsImmutable(ITypeSymbol type) => IsImmutable(type, new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default));

    private static bool IsImmutable(ITypeSymbol type, HashSet<ITypeSymbol> visiting)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean:
            case SpecialType.System_Char:
            case SpecialType.System_SByte:
            case SpecialType.System_Byte:
            case SpecialType.System_Int16:
            case SpecialType.System_UInt16:
            case SpecialType.System_Int32:
            case SpecialType.System_UInt32:
            case SpecialType.System_Int64:
            case SpecialType.System_UInt64:
            case SpecialType.System_Decimal:
            case SpecialType.System_Single:
            case SpecialType.System_Double:
            case SpecialType.System_String:
            case SpecialType.System_IntPtr:
            case SpecialType.System_UIntPtr:
            case SpecialType.System_DateTime:
                return true;
        }
        if (type.TypeKind is TypeKind.Enum or TypeKind.Delegate) return true;
        if (type is not INamedTypeSymbol named) return false;
        if (!visiting.Add(named)) return true; // a cycle: decided by the rest of the fields
        var original = named.OriginalDefinition;
        var name = BannedApis.MetadataName(original);
        if (ImmutableLibraryTypes.Contains(name)) return true;
        var ns = original.ContainingNamespace?.ToDisplayString();
        if (ns == "System.Collections.Immutable" || ns == "System.Collections.Frozen" || name == "System.Nullable`1")
        {
            return named.TypeArguments.All(a => IsImmutable(a, visiting));
        }
        var fromSource = original.Locations.Any(l => l.IsInSource);
        if (named.TypeKind == TypeKind.Struct && (fromSource || named.IsReadOnly || named.IsTupleType))
        {
            // a struct in a readonly field cannot change in place; what it holds by reference must be immutable too
            return InstanceFields(named).All(f => IsImmutable(f.Type, visiting));
        }
        if (named.TypeKind == TypeKind.Class && fromSource && (named.IsSealed || named.IsStatic))
        {
            return InstanceFields(named).All(f => f.IsReadOnly && IsImmutable(f.Type, visiting));
        }
        if (named.TypeKind == TypeKind.Class && !fromSource && named.IsSealed && IsRecord(named))
        {
            // a referenced assembly shows no private fields: a sealed record is judged by its members instead
            return named.GetMembers().All(m => m.IsStatic || m switch
            {
                IPropertySymbol p => (p.SetMethod is null || p.SetMethod.IsInitOnly) && IsImmutable(p.Type, visiting),
                IFieldSymbol f => f.IsReadOnly && IsImmutable(f.Type, visiting),
                _ => true,
            });
        }
        return false;
    }

    /// <summary>Whether a referenced class is a record (it has the compiler's public clone method).</summary>
    private static bool IsRecord(INamedTypeSymbol type) => !type.GetMembers("<Clone>$").IsEmpty;

    private static IEnumerable<IFieldSymbol> InstanceFields(INamedTypeSymbol type)
    {
        for (var t = type; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
        {
            foreach (var field in t.GetMembers().OfType<IFieldSymbol>())
            {
                if (!field.IsStatic && !field.IsConst) yield return field;
            }
        }
    }
}
