using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ActorSwingSet.Analyzers;

/// <summary>
/// Flags, in vat code, what SwingSet takes away from vats with SES lockdown: the wall clock, randomness, timers, the
/// thread pool, <c>ConfigureAwait(false)</c>, threads, static mutable state, file and network I/O and the process
/// environment. A vat is rebuilt after a restart by replaying its transcript, and each replayed delivery must make the
/// same syscalls as the first run; any of these can make it differ. Host code and the kernel are not checked.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class VatDeterminismAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        VatDiagnostics.WallClock, VatDiagnostics.Randomness, VatDiagnostics.Timers, VatDiagnostics.ThreadPool,
        VatDiagnostics.ConfigureAwaitFalse, VatDiagnostics.Threads, VatDiagnostics.StaticState,
        VatDiagnostics.FileAndNetwork, VatDiagnostics.EnvironmentAccess);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        if (context is null) throw new ArgumentNullException(nameof(context));
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var scope = VatCodeScope.For(start.Compilation);
            if (scope is null) return;
            start.RegisterOperationAction(
                c => AnalyzeReference(c, scope),
                OperationKind.Invocation, OperationKind.ObjectCreation, OperationKind.PropertyReference,
                OperationKind.MethodReference);
            start.RegisterSymbolAction(c => AnalyzeStaticState(c, scope), SymbolKind.Field, SymbolKind.Property);
        });
    }

    private static void AnalyzeReference(OperationAnalysisContext context, VatCodeScope scope)
    {
        var member = context.Operation switch
        {
            IInvocationOperation invocation => invocation.TargetMethod,
            IObjectCreationOperation creation => creation.Constructor,
            IMemberReferenceOperation reference => reference.Member,
            _ => null,
        };
        if (member is null || InNameOf(context.Operation) || !scope.Contains(context.ContainingSymbol)) return;

        if (context.Operation is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configure)
        {
            AnalyzeConfigureAwait(context, configure);
            return;
        }
        var rule = BannedApis.Classify(member);
        if (rule is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(rule, context.Operation.Syntax.GetLocation(), BannedApis.Display(member)));
        }
    }

    private static bool InNameOf(IOperation operation)
    {
        for (var o = operation.Parent; o is not null; o = o.Parent)
        {
            if (o is INameOfOperation) return true;
        }
        return false;
    }

    /// <summary>
    /// <c>ConfigureAwait(false)</c> on a task, a value task, an async enumerable or disposable: anything but a constant
    /// true (or options with <c>ContinueOnCapturedContext</c>) may resume off the vat's scheduler.
    /// </summary>
    private static void AnalyzeConfigureAwait(OperationAnalysisContext context, IInvocationOperation invocation)
    {
        var declaring = invocation.TargetMethod.ContainingType?.ContainingNamespace?.ToDisplayString();
        if (declaring != "System.Threading.Tasks" && declaring != "System.Runtime.CompilerServices") return;
        var argument = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == invocation.Arguments.Length - 1);
        if (argument is null) return;
        var value = argument.Value.ConstantValue;
        var fix = false;
        if (argument.Value.Type?.SpecialType == SpecialType.System_Boolean)
        {
            if (value.HasValue && value.Value is true) return;
            fix = value.HasValue;
        }
        else if (value.HasValue && value.Value is int options && (options & ContinueOnCapturedContext) != 0)
        {
            return;
        }
        var properties = fix
            ? ImmutableDictionary<string, string?>.Empty.Add(VatDiagnostics.FixProperty, VatDiagnostics.FixRemoveCall)
            : ImmutableDictionary<string, string?>.Empty;
        var location = invocation.Syntax.GetLocation();
        context.ReportDiagnostic(Diagnostic.Create(VatDiagnostics.ConfigureAwaitFalse, location, properties, "ConfigureAwait(" + argument.Value.Syntax + ")"));
    }

    /// <summary><c>ConfigureAwaitOptions.ContinueOnCapturedContext</c>.</summary>
    private const int ContinueOnCapturedContext = 1;

    private static void AnalyzeStaticState(SymbolAnalysisContext context, VatCodeScope scope)
    {
        var symbol = context.Symbol;
        if (!symbol.IsStatic || symbol.IsImplicitlyDeclared || !scope.Contains(symbol)) return;
        switch (symbol)
        {
            case IFieldSymbol { IsConst: false } field when !field.IsReadOnly:
                var fixable = Immutability.IsImmutable(field.Type) && field.DeclaringSyntaxReferences.Length == 1;
                Report(context, field, "a static field that is not readonly", fixable);
                break;
            case IFieldSymbol { IsConst: false } field when !Immutability.IsImmutable(field.Type):
                Report(context, field, $"a static readonly field of the mutable type '{field.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}'", fixable: false);
                break;
            case IPropertySymbol property when IsAutoProperty(property):
                if (property.SetMethod is not null)
                {
                    Report(context, property, "a static auto-property with a setter", fixable: false);
                }
                else if (!Immutability.IsImmutable(property.Type))
                {
                    Report(context, property,
                        $"a static auto-property of the mutable type '{property.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}'", fixable: false);
                }
                break;
        }
    }

    private static bool IsAutoProperty(IPropertySymbol property) =>
        property.ContainingType.GetMembers().OfType<IFieldSymbol>().Any(f => SymbolEqualityComparer.Default.Equals(f.AssociatedSymbol, property));

    private static void Report(SymbolAnalysisContext context, ISymbol symbol, string what, bool fixable)
    {
        var properties = fixable
            ? ImmutableDictionary<string, string?>.Empty.Add(VatDiagnostics.FixProperty, VatDiagnostics.FixMakeReadOnly)
            : ImmutableDictionary<string, string?>.Empty;
        var name = symbol.ContainingType.Name + "." + symbol.Name;
        context.ReportDiagnostic(Diagnostic.Create(VatDiagnostics.StaticState, symbol.Locations[0], properties, name, what));
    }
}
