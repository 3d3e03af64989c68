using ActorSwingSet.Schema;
using ActorSwingSet.Vat.State;
using Xunit;

namespace ActorSwingSet.Tests.Pure;

/// <summary>The key catalogue spells keys as SwingSet's kvStore does, and reads back only the keys it recognizes.</summary>
public sealed class KvKeysTests
{
    [Fact]
    public void Keys_are_spelled_as_in_SwingSets_kvStore()
    {
        Assert.Equal("kp5.state", KvKeys.PromiseState(5));
        Assert.Equal("kp5.queue.2", KvKeys.PromiseQueue(5, 2));
        Assert.Equal("ko3.refCount", KvKeys.ObjectRefCount(3));
        Assert.Equal("ko3.owner", KvKeys.ObjectOwner(3));
        Assert.Equal("v1.c.ko3", KvKeys.CList("v1", Kref.Parse("ko3")));
        Assert.Equal("v1.c.o+0", KvKeys.CList("v1", "o+0"));
        Assert.Equal("R o+0", KvKeys.CListKrefValue(true, "o+0"));
        Assert.Equal("_ o-4", KvKeys.CListKrefValue(false, "o-4"));
        Assert.Equal("v1.vs.baggage", KvKeys.Vatstore("v1", "baggage"));
        Assert.Equal("runQueue.4", KvKeys.QueueEntry(KvKeys.RunQueue, 4));
        Assert.Equal("vat.name.bootstrap", KvKeys.VatName("bootstrap"));
        Assert.Equal("vat.terminationReason.v2", KvKeys.TerminationReason("v2"));
    }

    [Fact]
    public void A_c_list_object_key_is_recognized_and_split_into_vat_and_object()
    {
        Assert.True(KvKeys.TryParseCListObjectKey("v12.c.ko7", out var vat, out var ko));
        Assert.Equal(("v12", Kref.Parse("ko7")), (vat, ko));
        Assert.False(KvKeys.TryParseCListObjectKey("v12.c.kp7", out _, out _));
        Assert.False(KvKeys.TryParseCListObjectKey("v12.c.o+7", out _, out _));
        Assert.False(KvKeys.TryParseCListObjectKey("vat.names", out _, out _));
        Assert.False(KvKeys.TryParseCListObjectKey("d3.c.ko7", out _, out _));
    }

    [Fact]
    public void Range_reads_end_just_past_the_prefix_and_c_list_slots_read_back()
    {
        Assert.Equal("vat.name/", KvKeys.PrefixEnd(KvKeys.VatNamePrefix));
        Assert.Equal("v1.c.kq", KvKeys.PrefixEnd(KvKeys.CListPromisePrefix("v1")));
        Assert.Equal("kp9", KvKeys.CListSlot("v1", "v1.c.kp9"));
        Assert.True(KvKeys.TrySplit("kp1.data.body", out var entity, out var field));
        Assert.Equal(("kp1", KvKeys.Field.DataBody), (entity, field));
        Assert.False(KvKeys.TrySplit("crankNumber", out _, out _));
        Assert.True(KvKeys.IsExportValue("R o+3"));
        Assert.False(KvKeys.IsExportValue("_ o-3"));
    }

    [Fact]
    public void A_kref_c_list_value_reads_back_into_its_flag_and_vref_and_another_shape_is_refused_by_name()
    {
        Assert.True(KvKeys.TryParseCListKrefValue(KvKeys.CListKrefValue(true, "o+3"), out var reachable, out var vref));
        Assert.Equal((true, "o+3"), (reachable, vref));
        Assert.True(KvKeys.TryParseCListKrefValue("_ p-61", out reachable, out vref));
        Assert.Equal((false, "p-61"), (reachable, vref));
        foreach (var bad in new[] { "", "R", "R ", "Ro+3", "X o+3", "o+3" })
            Assert.False(KvKeys.TryParseCListKrefValue(bad, out _, out _), bad);

        var e = Assert.Throws<FormatException>(() => VatKeeper.Load("v1", new Dictionary<string, string> { ["v1.c.ko20"] = "X o+0", ["v1.c.o+0"] = "ko20" }));
        Assert.Equal("v1.c.ko20 = 'X o+0' is not 'R vref' or '_ vref'", e.Message);
    }
}
