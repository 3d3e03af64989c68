using Xunit;

namespace ActorSwingSet.Analyzers.Tests;

/// <summary>What counts as vat code: vats, raw vats, [Far] classes, kind behaviour types, what they nest, and an assembly that opts in.</summary>
public sealed class VatScopeTests
{
    [Fact]
    public Task A_far_class_is_vat_code() =>
        Verify.AnalyzerAsync("""
            [Far("Clock")]
            public sealed class Clock
            {
                public DateTime Now() => {|ASW0001:DateTime.Now|};
            }
            """);

    [Fact]
    public Task A_class_deriving_from_a_far_class_is_vat_code() =>
        Verify.AnalyzerAsync("""
            [Far]
            public class Base { }
            public sealed class Derived : Base
            {
                public int Roll() => {|ASW0002:Random.Shared|}.Next(6);
            }
            """);

    [Fact]
    public Task A_raw_vat_is_vat_code() =>
        Verify.AnalyzerAsync("""
            public sealed class Raw : ActorSwingSet.Vats.IRawVat
            {
                public void Deliver(ActorSwingSet.Vats.VatDelivery delivery, ActorSwingSet.Vats.IVatSyscalls syscalls) => {|ASW0003:Thread.Sleep(1)|};
            }
            """);

    [Fact]
    public Task A_kind_behaviour_built_around_its_state_is_vat_code() =>
        Verify.AnalyzerAsync("""
            public sealed class Account(ObjectState state)
            {
                public string Stamp() => state.Vref + {|ASW0001:DateTime.UtcNow|};
            }
            """);

    [Fact]
    public Task The_behaviour_type_of_a_kind_in_a_signature_is_vat_code() =>
        Verify.AnalyzerAsync("""
            public sealed class Counter
            {
                public int Next() => {|ASW0002:new Random()|}.Next();
            }
            public sealed class Holder(Kind<Counter> counters)
            {
                public Counter Make() => counters.Make();
            }
            """);

    [Fact]
    public Task Lambdas_local_functions_and_nested_types_of_a_vat_are_vat_code() =>
        Verify.AnalyzerAsync(Verify.InVat("""
            Func<DateTime> now = () => {|ASW0001:DateTime.Now|};
                    int Pid() => {|ASW0009:Environment.ProcessId|};
                    _ = Pid();
            """) + """

            public sealed partial class Outer : IVat
            {
                public object BuildRootObject(VatPowers powers, object? vatParameters, Baggage baggage) => new Inner();
                private sealed class Inner
                {
                    public Task Wait() => {|ASW0003:Task.Delay(5)|};
                }
            }
            """);

    [Fact]
    public Task An_assembly_marked_vat_code_is_checked_whole() =>
        Verify.AnalyzerAsync("""
            [assembly: VatCode]
            public static class Helpers
            {
                public static long Ticks() => {|ASW0001:Stopwatch.GetTimestamp()|};
            }
            """);

    [Fact]
    public Task An_interface_or_attribute_of_the_same_name_from_elsewhere_does_not_make_vat_code() =>
        Verify.AnalyzerAsync("""
            namespace Other
            {
                public interface IVat { }
                public sealed class FarAttribute : Attribute { }
                [Far]
                public sealed class NotAVat : IVat
                {
                    public DateTime Now() => DateTime.Now;
                }
            }
            """);

    [Fact]
    public Task Host_code_that_registers_and_calls_vats_is_not_flagged() =>
        Verify.AnalyzerAsync(Verify.InVat("") + """

            public static class Program
            {
                private static int runs;
                public static async Task Main()
                {
                    runs++;
                    await Task.Delay(1).ConfigureAwait(false);
                    _ = new ActorSwingSet.VatBundleRegistry().RegisterVat<TheVat>("the-vat");
                    _ = DateTime.Now;
                }
            }
            """);
}
