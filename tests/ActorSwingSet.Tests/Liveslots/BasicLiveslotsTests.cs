using ActorSwingSet.Tests.Support;
using Xunit;

namespace ActorSwingSet.Tests.Liveslots;

public sealed class BasicLiveslotsTests : LiveslotsKernelTest
{
    private Task StartTwo() => Start(new VatBundleRegistry().RegisterVat<CounterVatCode>("counter").RegisterVat<CallerVatCode>("caller"),
        ("counter", "counter"), ("caller", "caller"));

    [Fact]
    public async Task Methods_return_values_and_eventual_sends_await_them()
    {
        await StartTwo();
        Assert.Equal(5L, await Fulfilled("counter", "increment", 5L));
        Assert.Equal(50L, await Fulfilled("counter", "later", 5L));
        Assert.Equal(8L, await Fulfilled("caller", "callTwice", await Root("counter")));
        await AuditClean();
    }

    [Fact]
    public async Task Exceptions_cross_as_rejections()
    {
        await StartTwo();
        var err = Assert.IsType<PassableError>(await Rejected("counter", "fail", "bad"));
        Assert.Equal(new PassableError("Error", "bad"), err);
        Assert.Equal("Error: boom", await Fulfilled("caller", "catchFailure", await Root("counter")));
        var missing = Assert.IsType<PassableError>(await Rejected("counter", "noSuchMethod"));
        Assert.Equal("TypeError", missing.Name);
        Assert.Contains("no method 'noSuchMethod'", missing.Message);
        var wrongType = Assert.IsType<PassableError>(await Rejected("counter", "increment", "not a number"));
        Assert.Equal("TypeError", wrongType.Name);
        var notPassable = Assert.IsType<PassableError>(await Rejected("counter", "notPassable"));
        Assert.Contains("not passable", notPassable.Message);
        // the vat keeps running
        Assert.Equal(1L, await Fulfilled("counter", "increment", 1L));
        await AuditClean();
    }

    [Fact]
    public async Task Pipelining_promise_passing_and_local_sends()
    {
        await StartTwo();
        Assert.Equal(5L, await Fulfilled("caller", "pipeline", await Root("counter")));
        Assert.Equal("resolved later", await Fulfilled("caller", "passPromise", await Root("counter")));
        Assert.Equal(4L, await Fulfilled("caller", "localSend"));
        Assert.Equal(42L, await Fulfilled("caller", "roundTripTypedPromise", await Root("counter")));
        await AuditClean();
    }

    [Fact]
    public async Task Data_round_trips_through_marshalling()
    {
        await StartTwo();
        var value = Passable.Record(("n", 1L), ("big", System.Numerics.BigInteger.Pow(10, 30)), ("s", "#not a tag"), ("l", new object?[] { true, null, 2.5 }),
            ("u", Undefined.Value), ("e", new PassableError("RangeError", "r")));
        var back = Rec(await Fulfilled("counter", "echo", value));
        Assert.Equal(value.Keys, back.Keys);
        Assert.Equal(System.Numerics.BigInteger.Pow(10, 30), back["big"]);
        Assert.Equal("#not a tag", back["s"]);
        Assert.Equal(new object?[] { true, null, 2.5 }, List(back["l"]));
        Assert.Same(Undefined.Value, back["u"]);
        Assert.Equal(new PassableError("RangeError", "r"), back["e"]);
        var fresh = await Fulfilled("counter", "fresh");
        Assert.True(Assert.IsType<Kref>(fresh).IsObject);
        await AuditClean();
    }

    [Fact]
    public async Task Imports_the_vat_drops_are_released_at_bringOutYourDead()
    {
        await StartTwo();
        var fresh = Assert.IsType<Kref>(await Fulfilled("counter", "fresh"));
        await Fulfilled("caller", "hold", fresh);
        var callerId = (await Kernel.GetVatInfoAsync("caller")).VatId;
        Assert.NotNull(Probe.CList(await Kernel.DumpAsync(), callerId, fresh.ToString()));
        await Fulfilled("caller", "drop");
        var reap = await Kernel.UpgradeVatAsync("caller", "caller");
        await Kernel.RunAsync();
        Assert.Equal(PromiseState.Fulfilled, (await Kernel.GetPromiseAsync(reap)).State);
        Assert.Null(Probe.CList(await Kernel.DumpAsync(), callerId, fresh.ToString()));
        await AuditClean();
    }
}
