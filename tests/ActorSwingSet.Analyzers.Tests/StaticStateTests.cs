using Xunit;

namespace ActorSwingSet.Analyzers.Tests;

/// <summary>Static mutable state in vat code: fields that are not readonly, readonly fields of mutable types, static auto-properties.</summary>
public sealed class StaticStateTests
{
    [Fact]
    public Task A_static_field_only_initialized_is_made_readonly() =>
        Verify.CodeFixAsync(
            """
            [Far]
            public sealed class Greeter
            {
                private static string {|#0:greeting|} = "hello";
                private static int {|#1:count|};
                static Greeter() => count = 2;
                public string Greet() => greeting + count;
            }
            """,
            """
            [Far]
            public sealed class Greeter
            {
                private static readonly string greeting = "hello";
                private static readonly int count;
                static Greeter() => count = 2;
                public string Greet() => greeting + count;
            }
            """,
            Verify.Diagnostic("ASW0007").WithLocation(0).WithArguments("Greeter.greeting", "a static field that is not readonly"),
            Verify.Diagnostic("ASW0007").WithLocation(1).WithArguments("Greeter.count", "a static field that is not readonly"));

    [Fact]
    public Task A_static_field_written_by_the_vat_gets_no_fix()
    {
        var source = """
            [Far]
            public sealed class Counter
            {
                private static int {|ASW0007:count|};
                public int Increment() => ++count;
            }
            """;
        return Verify.CodeFixAsync(source, source);
    }

    [Fact]
    public Task A_static_field_of_a_mutable_type_gets_no_fix()
    {
        var source = """
            [Far]
            public sealed class Registry
            {
                private static List<string> {|ASW0007:names|} = new();
                public int Count() => names.Count;
            }
            """;
        return Verify.CodeFixAsync(source, source);
    }

    [Fact]
    public Task Readonly_fields_of_mutable_types_are_flagged() =>
        Verify.AnalyzerAsync("""
            [Far]
            public sealed class Tables
            {
                private static readonly List<int> {|#0:Items|} = new();
                private static readonly int[] {|ASW0007:Squares|} = { 0, 1, 4 };
                private static readonly Dictionary<string, object> {|ASW0007:Cache|} = new();
                private static readonly Box {|ASW0007:Shared|} = new();
                private static readonly HashSet<int> {|ASW0007:Seen|} = new();
                public int Sum() => Items.Count + Squares[1] + Cache.Count + Shared.Value + Seen.Count;
            }
            public sealed class Box { public int Value; }
            """,
            Verify.Diagnostic("ASW0007").WithLocation(0).WithArguments("Tables.Items", "a static readonly field of the mutable type 'List<int>'"));

    [Fact]
    public Task Readonly_fields_of_immutable_types_and_constants_are_not_flagged() =>
        // VCapData is a sealed record of a referenced assembly: judged by its init-only properties
        Verify.AnalyzerAsync("""
            [Far]
            public sealed class Constants
            {
                private const int Max = 10;
                private static readonly string Name = "bank";
                private static readonly TimeSpan Period = TimeSpan.FromDays(1);
                private static readonly ImmutableArray<string> Names = ImmutableArray.Create("a");
                private static readonly ImmutableDictionary<string, int> Limits = ImmutableDictionary<string, int>.Empty;
                private static readonly Func<int, int> Square = x => x * x;
                private static readonly DayOfWeek Day = DayOfWeek.Monday;
                private static readonly (int, string) Pair = (1, "one");
                private static readonly Limit Default = new(5, "five");
                private static readonly Point Origin = new(0, 0);
                private static string Title => "computed";
                private static readonly ActorSwingSet.VCapData Undefined = ActorSwingSet.VCapData.Of("#undefined");
                public string All() => Name + Period + Names[0] + Limits.Count + Square(Max) + Day + Pair + Default + Origin + Title + Undefined;
            }
            public sealed record Limit(int Amount, string Label);
            public readonly record struct Point(int X, int Y);
            """);

    [Fact]
    public Task Static_auto_properties_with_setters_or_of_mutable_types_are_flagged() =>
        Verify.AnalyzerAsync("""
            [Far]
            public sealed class Settings
            {
                public static int {|#0:Limit|} { get; set; }
                public static List<int> {|ASW0007:Seen|} { get; } = new();
                public static string Name { get; } = "settings";
                public int Read() => Limit + Seen.Count + Name.Length;
            }
            """,
            Verify.Diagnostic("ASW0007").WithLocation(0).WithArguments("Settings.Limit", "a static auto-property with a setter"));

    [Fact]
    public Task A_static_auto_property_of_a_primary_constructor_class_is_flagged() =>
        Verify.AnalyzerAsync("""
            [Far("storage")]
            public sealed class StorageRoot(Baggage baggage)
            {
                public static TaskCompletionSource {|ASW0007:AnotherThread|} { get; set; } = new();
                public async Task<string> AwaitAnotherThread() { await AnotherThread.Task; return "late" + baggage; }
            }
            """);

    [Fact]
    public Task Static_state_in_host_code_is_not_flagged() =>
        Verify.AnalyzerAsync("""
            public static class HostState
            {
                public static int Runs;
                public static List<int> Seen { get; } = new();
                public static int Limit { get; set; }
            }
            """);
}
