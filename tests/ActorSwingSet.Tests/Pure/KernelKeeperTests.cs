using ActorSwingSet.Kernel.State;
using ActorSwingSet.Protocol;
using ActorSwingSet.Schema;
using Xunit;

namespace ActorSwingSet.Tests.Pure;

/// <summary>The kernel tables on their own: refcounts, GC and crank rollback, no vats, no actors.</summary>
public sealed class KernelKeeperTests
{
    [Fact]
    public void A_promise_is_deleted_at_end_of_crank_once_nothing_names_it_and_its_data_slots_are_released()
    {
        var k = new KernelKeeper();
        var ko = k.AddObject("v1");
        k.PutVat(new VatRecord("v1", "a", false, "b", false, KCapData.Of("#null"), ko));
        var kp = k.AddPromise(null);
        k.Incref(kp);
        k.SettlePromise(kp, false, KCapData.Of("#\"$0.Alleged: x\"", ko));
        Assert.Equal(1, k.GetObject(ko)!.Reachable);
        k.BeginCrank();
        k.Decref(kp);
        k.ProcessRefcounts();
        k.CommitCrank();
        Assert.False(k.PromiseExists(kp));
        Assert.Equal(0, k.GetObject(ko)!.Reachable);
        Assert.Contains(GcAction.Parse("v1 retireExport ko20"), k.GcActions);
    }

    [Fact]
    public void Rollback_restores_every_table_exactly()
    {
        var k = new KernelKeeper();
        var root = k.AddObject("v1");
        var kp = k.AddPromise("v1");
        k.Incref(kp);
        k.ApplyCListChange("v2", new CListChange(CListChangeKind.Added, root, "o-50", false));
        k.ApplyCListChange("v2", new CListChange(CListChangeKind.Reachable, root, "o-50", false));
        k.RunQueue.Enqueue(new NotifyEvent("v1", kp));
        var before = Snapshot(k);

        k.BeginCrank();
        k.RunQueue.TryDequeue(out _);
        k.AddSubscriber(kp, "v2");
        k.SettlePromise(kp, true, KCapData.Of("#null"));
        k.Accept(new NotifyEvent("v2", kp));
        k.AddPromise("v3");
        k.ApplyCListChange("v2", new CListChange(CListChangeKind.Unreachable, root, "o-50", false));
        k.ApplyCListChange("v2", new CListChange(CListChangeKind.Removed, root, "o-50", false));
        k.IncStat(KernelStat.Cranks);
        k.ProcessRefcounts();
        k.RollbackCrank();
        k.CommitCrank();

        Assert.Equal(before, Snapshot(k));
    }

    [Fact]
    public void A_refcount_underflow_is_a_kernel_panic()
    {
        var k = new KernelKeeper();
        var kp = k.AddPromise(null);
        Assert.Throws<KernelPanicException>(() => k.Decref(kp));
    }

    [Fact]
    public void A_vat_allocating_out_of_sequence_is_a_kernel_panic()
    {
        var k = new KernelKeeper();
        Assert.Throws<KernelPanicException>(() => k.ApplyCListChange("v1", new CListChange(CListChangeKind.Added, Kref.Promise(99), "p+1", true)));
    }

    private static string Snapshot(KernelKeeper k) =>
        string.Join("\n", KernelStateRenderer.All(k, []).Select(e => e.Key + "=" + e.Value));
}
