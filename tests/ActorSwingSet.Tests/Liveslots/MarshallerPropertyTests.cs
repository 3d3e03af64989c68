using System.Numerics;
using ActorSwingSet.Liveslots;
using ActorSwingSet.Vats;
using CsCheck;
using Xunit;

namespace ActorSwingSet.Tests.Liveslots;

/// <summary>The vat layer's marshalling on its own (no kernel): random passable data round-trips canonically.</summary>
public sealed class MarshallerPropertyTests
{
    private static readonly Gen<object?> Leaf = Gen.OneOf<object?>(
        Gen.Bool.Select(_ => (object?)null),
        Gen.Const<object?>(Undefined.Value),
        Gen.Bool.Select(b => (object?)b),
        Gen.Long.Select(l => (object?)l),
        Gen.Double.Where(double.IsFinite).Select(d => (object?)d),
        Gen.Long.Select(l => (object?)(new BigInteger(l) * BigInteger.Pow(10, 20))),
        Gen.String.Select(s => (object?)s),
        Gen.Int[0, 5].Select(i => (object?)new[] { "#x", "$0", "&1", "!bang", "+5", "-" }[i]),
        Gen.String.Select(m => (object?)new PassableError("RangeError", m)));

    private static Gen<object?> Value(int depth) => depth == 0 ? Leaf : Gen.Frequency(
        (4, Leaf),
        (1, Value(depth - 1).List[0, 4].Select(l => (object?)l)),
        (1, Gen.Select(Gen.String[0, 6].Where(k => !k.StartsWith('#')), Value(depth - 1)).List[0, 4].Select(kvs =>
        {
            var rec = new SortedDictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (k, v) in kvs) rec[k] = v;
            return (object?)rec;
        })));

    [Fact]
    public void Passable_data_round_trips_and_re_encodes_to_the_same_body()
    {
        var vat = new LiveslotsVat(new CounterVatCode());
        Value(3).Sample(value =>
        {
            var data = vat.Marshaller.ToCapData(value);
            Assert.Empty(data.Slots);
            var back = vat.Marshaller.FromCapData(data);
            Assert.Equal(data.Body, vat.Marshaller.ToCapData(back).Body);
        });
    }

    [Fact]
    public void What_is_not_passable_is_refused_with_a_clear_error()
    {
        var vat = new LiveslotsVat(new CounterVatCode());
        var e = Assert.Throws<NotPassableException>(() => vat.Marshaller.ToCapData(new object?[] { 1L, new System.Text.StringBuilder() }));
        Assert.Contains("StringBuilder", e.Message);
        Assert.Throws<NotPassableException>(() => vat.Marshaller.ToCapData(1.5m));
        var cycle = new List<object?>();
        cycle.Add(cycle);
        Assert.Contains("cycle", Assert.Throws<NotPassableException>(() => vat.Marshaller.ToCapData(cycle)).Message);
        Assert.Throws<NotPassableException>(() => vat.Marshaller.ToCapData(new Dictionary<int, string> { [1] = "x" }));
        Assert.Contains("reserved", Assert.Throws<NotPassableException>(() => vat.Marshaller.ToCapData(Passable.Record(("#error", "x")))).Message);
    }
}
