using ActorSwingSet.References;
using ActorSwingSet.Protocol;
using ActorSwingSet.Vat;
using ActorSwingSet.Vat.State;
using ActorSwingSet.Vats;
using Xunit;

namespace ActorSwingSet.Tests.Pure;

/// <summary>kref &lt;-&gt; vref translation against one vat's c-list, without a kernel.</summary>
public sealed class TranslationTests
{
    [Fact]
    public void Imports_get_fresh_minus_vrefs_and_new_exports_take_the_lent_krefs()
    {
        var keeper = new VatKeeper("v1");
        var t = new VatTranslator(keeper, false, nextObjectId: 30, nextPromiseId: 70);
        var send = t.TranslateSend("o+5", VCapData.Of("#[\"x\",[\"&0\"]]", "p+1"), "p+2");
        Assert.Equal(Kref.Object(30), send.Target);
        Assert.Equal([Kref.Promise(70)], send.Msg.Methargs.Slots.ToArray());
        Assert.Equal(Kref.Promise(71), send.Msg.Result);
        Assert.Equal(31, t.NextObjectId);
        Assert.Equal(72, t.NextPromiseId);
        Assert.Contains(t.Effects, e => e.Change is { Kind: CListChangeKind.Added, Vref: "p+2", IsExport: true });

        var d = (MessageDelivery)t.TranslateDelivery(new KMessageDelivery(Kref.Object(30),
            new KMessage(KCapData.Of("#[\"m\",[\"$0\"]]", Kref.Object(25)), Kref.Promise(40))))!;
        Assert.Equal("o+5", d.Target);
        Assert.Equal(["o-50"], d.Methargs.Slots.ToArray());
        Assert.Equal("p-60", d.Result);
        Assert.Throws<KernelPanicException>(() =>
            t.TranslateDelivery(new KMessageDelivery(Kref.Object(25), new KMessage(KCapData.Of("#[\"m\",[]]"), null))));
    }

    [Theory]
    [InlineData("o-9")]
    [InlineData("bogus")]
    [InlineData("p+x")]
    public void Unknown_or_malformed_vrefs_are_illegal(string vref)
    {
        var t = new VatTranslator(new VatKeeper("v1"), false, 20, 40);
        Assert.Throws<IllegalSyscallException>(() => t.TranslateSend(vref, VCapData.Of("#[\"m\",[]]"), null));
    }

    [Fact]
    public void Resolving_deletes_the_c_list_entry_and_resolving_to_a_promise_is_illegal()
    {
        var keeper = new VatKeeper("v1");
        var t = new VatTranslator(keeper, false, 20, 40);
        var r = t.TranslateResolve([new VatResolution("p+1", false, VCapData.Of("#42"))]);
        Assert.Equal(Kref.Promise(40), r.Resolutions[0].Kpid);
        Assert.False(keeper.HasKref(Kref.Promise(40)));
        Assert.Throws<IllegalSyscallException>(() => t.TranslateResolve([new VatResolution("p+2", false, VCapData.Of("#\"&0\"", "p+3"))]));
    }

    [Fact]
    public void A_failed_crank_is_undone_in_the_c_list_and_vatstore()
    {
        var keeper = new VatKeeper("v1");
        keeper.BeginCrank();
        keeper.VatstoreSet("a", "1");
        keeper.CommitCrank();
        var before = string.Join(";", keeper.Dump());
        keeper.BeginCrank();
        var t = new VatTranslator(keeper, false, 20, 40);
        t.TranslateSend("o+1", VCapData.Of("#[\"m\",[]]"), "p+1");
        keeper.VatstoreSet("a", "2");
        keeper.VatstoreSet("b", "3");
        keeper.StartNextIncarnation();
        keeper.RollbackCrank();
        Assert.Equal(before, string.Join(";", keeper.Dump()));
    }

    [Theory]
    [InlineData("o+0", true, false)]
    [InlineData("o+d12/3", true, true)]
    [InlineData("o+v4/5:1", true, false)]
    [InlineData("o-7", false, false)]
    public void Vrefs_parse_with_their_durability(string vref, bool allocatedByVat, bool durable)
    {
        var info = VrefInfo.Parse(vref);
        Assert.Equal(allocatedByVat, info.AllocatedByVat);
        Assert.Equal(durable, info.IsDurable);
    }
}
