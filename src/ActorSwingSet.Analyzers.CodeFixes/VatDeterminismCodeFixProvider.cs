using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FindSymbols;

namespace ActorSwingSet.Analyzers;

/// <summary>
/// Fixes what has one fix: removes <c>ConfigureAwait(false)</c> (ASW0005), and makes a static field readonly when it
/// holds an immutable type and nothing but its initializer or its type's static constructor writes it (ASW0007).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(VatDeterminismCodeFixProvider)), Shared]
public sealed class VatDeterminismCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(VatDiagnostics.ConfigureAwaitFalse.Id, VatDiagnostics.StaticState.Id);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            diagnostic.Properties.TryGetValue(VatDiagnostics.FixProperty, out var fix);
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (fix == VatDiagnostics.FixRemoveCall
                && node.FirstAncestorOrSelf<InvocationExpressionSyntax>() is { Expression: MemberAccessExpressionSyntax access } invocation)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Remove ConfigureAwait(false)",
                        _ => Task.FromResult(context.Document.WithSyntaxRoot(
                            root.ReplaceNode(invocation, access.Expression.WithTriviaFrom(invocation)))),
                        equivalenceKey: VatDiagnostics.FixRemoveCall),
                    diagnostic);
            }
            else if (fix == VatDiagnostics.FixMakeReadOnly
                && node.FirstAncestorOrSelf<FieldDeclarationSyntax>() is { Declaration.Variables.Count: 1 } declaration
                && await OnlyInitializedAsync(context.Document, declaration, context.CancellationToken).ConfigureAwait(false))
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Make the static field readonly",
                        _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(declaration, AddReadOnly(declaration)))),
                        equivalenceKey: VatDiagnostics.FixMakeReadOnly),
                    diagnostic);
            }
        }
    }

    private static FieldDeclarationSyntax AddReadOnly(FieldDeclarationSyntax declaration)
    {
        var modifiers = declaration.Modifiers;
        var staticIndex = modifiers.IndexOf(SyntaxKind.StaticKeyword);
        return declaration.WithModifiers(modifiers.Insert(staticIndex + 1, SyntaxFactory.Token(SyntaxKind.ReadOnlyKeyword)));
    }

    /// <summary>Whether nothing writes the field but its initializer and its type's static constructor.</summary>
    private static async Task<bool> OnlyInitializedAsync(Document document, FieldDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (model?.GetDeclaredSymbol(declaration.Declaration.Variables[0], cancellationToken) is not IFieldSymbol field) return false;
        var references = await SymbolFinder.FindReferencesAsync(field, document.Project.Solution, cancellationToken).ConfigureAwait(false);
        foreach (var location in references.SelectMany(r => r.Locations))
        {
            var root = await location.Document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root?.FindNode(location.Location.SourceSpan, getInnermostNodeForTie: true) is not { } node) return false;
            if (IsWritten(node) && !InStaticConstructorOf(node, field.ContainingType.Name)) return false;
        }
        return true;
    }

    private static bool IsWritten(SyntaxNode node)
    {
        var expression = node.Parent is MemberAccessExpressionSyntax access && access.Name == node ? access : node;
        return expression.Parent switch
        {
            AssignmentExpressionSyntax assignment => assignment.Left == expression,
            PrefixUnaryExpressionSyntax prefix => prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression),
            PostfixUnaryExpressionSyntax => true,
            ArgumentSyntax argument => !argument.RefKindKeyword.IsKind(SyntaxKind.None) && !argument.RefKindKeyword.IsKind(SyntaxKind.InKeyword),
            RefExpressionSyntax => true,
            _ => false,
        };
    }

    private static bool InStaticConstructorOf(SyntaxNode node, string typeName) =>
        node.FirstAncestorOrSelf<ConstructorDeclarationSyntax>() is { } ctor
        && ctor.Modifiers.Any(SyntaxKind.StaticKeyword)
        && ctor.Identifier.ValueText == typeName
        && !node.Ancestors().TakeWhile(a => a != ctor).Any(a => a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax);
}
