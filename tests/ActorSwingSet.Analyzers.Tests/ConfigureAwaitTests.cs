using Xunit;

namespace ActorSwingSet.Analyzers.Tests;

/// <summary>ConfigureAwait in vat code: anything but resuming on the vat's scheduler is flagged; a constant false is removed by the fix.</summary>
public sealed class ConfigureAwaitTests
{
    private static string Vat(string body) => $$"""
        [Far]
        public sealed class Waiter
        {
            public async Task<int> Run(Task<int> task, ValueTask valueTask, bool flag)
            {
                {{body}}
            }
        }
        """;

    [Fact]
    public Task ConfigureAwait_false_is_removed() =>
        Verify.CodeFixAsync(
            Vat("""
                await {|#0:valueTask.ConfigureAwait(false)|};
                        return await {|#1:task.ConfigureAwait(false)|};
                """),
            Vat("""
                await valueTask;
                        return await task;
                """),
            Verify.Diagnostic("ASW0005").WithLocation(0).WithArguments("ConfigureAwait(false)"),
            Verify.Diagnostic("ASW0005").WithLocation(1).WithArguments("ConfigureAwait(false)"));

    [Fact]
    public Task ConfigureAwait_false_on_an_async_enumerable_is_removed() =>
        Verify.CodeFixAsync(
            """
            [Far]
            public sealed class Reader
            {
                public async Task<int> Sum(IAsyncEnumerable<int> items)
                {
                    var sum = 0;
                    await foreach (var item in {|ASW0005:items.ConfigureAwait(false)|}) sum += item;
                    return sum;
                }
            }
            """,
            """
            [Far]
            public sealed class Reader
            {
                public async Task<int> Sum(IAsyncEnumerable<int> items)
                {
                    var sum = 0;
                    await foreach (var item in items) sum += item;
                    return sum;
                }
            }
            """);

    [Fact]
    public Task A_value_not_known_to_be_true_is_flagged_without_a_fix()
    {
        var source = Vat("return await {|ASW0005:task.ConfigureAwait(flag)|};");
        return Verify.CodeFixAsync(source, source);
    }

    [Fact]
    public Task Options_without_continue_on_captured_context_are_flagged() =>
        Verify.AnalyzerAsync(Vat("""
            await {|ASW0005:((Task)task).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing)|};
                    await ((Task)task).ConfigureAwait(ConfigureAwaitOptions.ContinueOnCapturedContext);
                    return 0;
            """));

    [Fact]
    public Task ConfigureAwait_true_is_not_flagged() =>
        Verify.AnalyzerAsync(Vat("""
            await valueTask.ConfigureAwait(true);
                    return await task.ConfigureAwait(continueOnCapturedContext: true);
            """));
}
