using ActorSwingSet.Protocol;
using ActorSwingSet.Vat;
using ActorSwingSet.Vat.Messages;
using ActorSwingSet.Vats;
using Xunit;

namespace ActorSwingSet.Tests.Pure;

/// <summary>The vat host's lifecycle (<see cref="VatHostState"/>), driven directly, without a kernel.</summary>
public sealed class VatHostStateTests
{
    private static readonly KCapData NoParameters = KCapData.Of("#null");

    private sealed class QuietVat : IRawVat
    {
        public void Deliver(VatDelivery delivery, IVatSyscalls syscalls) { }
    }

    private static VatHost NewHost() =>
        new("v1", "quiet", Kref.Object(1), false, new VatBundleRegistry().Register("quiet", () => new QuietVat()).Register("quiet2", () => new QuietVat()), null);

    private static DeliverRequest StartVat(long crank) => new(crank, new KStartVat(NoParameters), 10, 10);

    [Fact]
    public void A_crank_opens_on_its_first_request_and_is_committed_by_the_next_crank_or_a_block_delta()
    {
        var host = NewHost();
        Assert.Equal(VatHostState.Idle, host.State);
        Assert.Equal(DeliveryStatus.Ok, host.Handle(StartVat(1)).Status);
        Assert.Equal(VatHostState.InCrank, host.State);
        host.Handle(new AbortCrank(2));                   // not the open crank: nothing to undo
        Assert.Equal(VatHostState.InCrank, host.State);
        host.Handle(new DeliverRequest(2, KBringOutYourDead.Instance, 10, 10));
        host.Handle(new AbortCrank(2));                   // undoes crank 2 only: crank 1 was committed when 2 opened
        Assert.Equal(VatHostState.Idle, host.State);
        Assert.True(host.Keeper.HasKref(Kref.Object(1)));
        host.Handle(new DeliverRequest(3, KBringOutYourDead.Instance, 10, 10));
        host.Handle(new TakeVatBlockDelta());
        Assert.Equal(VatHostState.Idle, host.State);
    }

    [Fact]
    public void An_aborted_crank_that_ran_the_worker_lets_it_go_and_the_next_delivery_rebuilds_it_from_the_transcript()
    {
        var host = NewHost();
        host.Handle(StartVat(1));
        Assert.True(host.WorkerOnline);
        host.Handle(new DeliverRequest(2, KBringOutYourDead.Instance, 10, 10));
        Assert.Equal(2, host.TranscriptEnd);
        host.Handle(new AbortCrank(2));
        Assert.False(host.WorkerOnline);
        Assert.Equal(1, host.TranscriptEnd);                // the aborted delivery is not in the transcript
        Assert.Equal(DeliveryStatus.Ok, host.Handle(new DeliverRequest(3, KBringOutYourDead.Instance, 10, 10)).Status);
        Assert.True(host.WorkerOnline);
        Assert.Equal(2, host.TranscriptEnd);
    }

    [Fact]
    public void An_evicted_worker_keeps_its_last_crank_and_cannot_be_evicted_from_the_crank_it_is_in()
    {
        var host = NewHost();
        host.Handle(StartVat(1));
        var inCrank = Assert.Throws<InvalidOperationException>(() => host.Handle(new EvictWorker(1)));
        Assert.Equal("internal error: vat v1 cannot be evicted in crank 1, which it is part of", inCrank.Message);
        host.Handle(new EvictWorker(2));
        Assert.Equal(VatHostState.Idle, host.State);
        Assert.False(host.WorkerOnline);
        host.Handle(new AbortCrank(1));                   // crank 1 was kept by the eviction
        Assert.Equal(1, host.TranscriptEnd);
    }

    [Fact]
    public void A_terminated_vat_refuses_deliveries_until_its_crank_is_aborted_and_for_good_once_it_is_committed()
    {
        var host = NewHost();
        host.Handle(StartVat(1));
        var reply = host.Handle(new TerminateVatRequest(2));
        Assert.Equal([("o+0", Kref.Object(1), true)], reply.Entries.ToArray());
        Assert.Equal(VatHostState.TerminatedInCrank, host.State);
        var inCrank = Assert.Throws<InvalidOperationException>(() => host.Handle(new DeliverRequest(2, KBringOutYourDead.Instance, 10, 10)));
        Assert.Equal("internal error: vat host v1 is terminated", inCrank.Message);

        host.Handle(new AbortCrank(2));
        Assert.Equal(VatHostState.Idle, host.State);
        Assert.True(host.Keeper.HasKref(Kref.Object(1)));

        host.Handle(new TerminateVatRequest(3));
        host.Handle(new TakeVatBlockDelta());
        Assert.Equal(VatHostState.Terminated, host.State);
        Assert.Empty(host.Handle(new ListPromiseEntries()).Entries);
        var after = Assert.Throws<InvalidOperationException>(() => host.Handle(new DeliverRequest(4, KBringOutYourDead.Instance, 10, 10)));
        Assert.Equal("internal error: vat host v1 cannot go from Terminated to InCrank", after.Message);
    }
}
