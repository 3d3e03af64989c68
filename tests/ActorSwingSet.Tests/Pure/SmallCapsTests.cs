using System.Numerics;
using ActorSwingSet.Marshal;
using CsCheck;
using Xunit;

namespace ActorSwingSet.Tests.Pure;

public sealed class SmallCapsTests
{
    [Fact]
    public void The_kernel_values_encode_exactly_as_SwingSet_stores_them()
    {
        Assert.Equal("#{\"#error\":\"vat terminated\",\"name\":\"Error\"}", SmallCaps.Error("vat terminated"));
        Assert.Equal("#{\"incarnationNumber\":0,\"name\":\"vatUpgraded\",\"upgradeMessage\":\"vat upgraded\"}",
            Kernel.Handlers.UpgradeHandler.UpgradeDisconnection("vat upgraded", 0).Body);
        Assert.Equal("#[\"ping\",[1,\"!#x\",\"+5\",\"#undefined\"]]", SmallCaps.Methargs("ping", 1, "#x", new BigInteger(5), Undefined.Value));
    }

    [Fact]
    public void Passable_values_survive_a_round_trip()
    {
        Gen.OneOf<object?>(
                Gen.Long.Select(l => (object?)l),
                Gen.String.Select(s => (object?)s),
                Gen.Bool.Select(b => (object?)b),
                Gen.Long.Select(l => (object?)(new BigInteger(l) * 1000)))
            .List[0, 6]
            .Sample(list =>
            {
                var body = SmallCaps.Encode(list);
                var back = (List<object?>)SmallCaps.Decode(body, 0)!;
                Assert.Equal(list.Count, back.Count);
                for (var i = 0; i < list.Count; i++)
                    Assert.Equal(list[i], back[i]);
            });
    }

    [Theory]
    [InlineData("not smallcaps")]
    [InlineData("#{")]
    [InlineData("#\"$1\"")]
    [InlineData("#\"#mystery\"")]
    public void Malformed_bodies_are_refused(string body) => Assert.False(SmallCaps.IsWellFormed(body, 1, out _));

    [Fact]
    public void Values_that_are_not_passable_are_refused() =>
        Assert.Throws<ArgumentException>(() => SmallCaps.Encode(new object()));
}
