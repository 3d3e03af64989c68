using ActorSwingSet.Kernel;
using ActorSwingSet.Kernel.Crank;
using ActorSwingSet.Kernel.Handlers;
using ActorSwingSet.Kernel.State;
using ActorSwingSet.Protocol;
using ActorSwingSet.Vat.Messages;
using Xunit;

namespace ActorSwingSet.Tests.Pure;

/// <summary>
/// A crank's fate is decided by the result its handler returns and applied by the engine alone: first what a
/// delivery's outcome asks for (SwingSet's deliveryCrankResults), then the engine applying each part in its order.
/// </summary>
public sealed class CrankResultTests
{
    private static readonly KCapData Info = KCapData.Of(SmallCaps.Error("boom"));

    [Fact]
    public void A_failed_delivery_unwinds_the_crank_and_terminates_its_vat_with_a_rejection()
    {
        var failed = new DeliveryOutcome(true, true, "delivery failed: boom", null);
        var retried = DeliveryHandler.DeliveryCrankResults("v1", failed, KernelStat.DeliverMessage, consumeOnAbort: false, clearsDirt: false);
        Assert.Equal(CrankAbort.Retry, retried.Abort);
        Assert.Equal(new CrankTermination("v1", true, KCapData.Of(SmallCaps.Error("delivery failed: boom"))), retried.Terminate);
        Assert.Null(retried.Stat);
        Assert.Null(retried.Dirt);
        var consumed = DeliveryHandler.DeliveryCrankResults("v1", failed, KernelStat.DeliverStartVat, consumeOnAbort: true, clearsDirt: false);
        Assert.Equal(CrankAbort.Consume, consumed.Abort);
    }

    [Fact]
    public void An_illegal_syscall_is_counted_after_the_unwind_and_an_exit_with_failure_unwinds_with_its_own_reason()
    {
        var illegal = DeliveryHandler.DeliveryCrankResults("v2", new DeliveryOutcome(true, true, "illegal syscall: x", null), KernelStat.DeliverNotify, false, false);
        Assert.Equal(KernelStat.IllegalSyscalls, illegal.Stat);
        var exit = DeliveryHandler.DeliveryCrankResults("v2", new DeliveryOutcome(true, false, null, new ExitSyscall(true, Info)), KernelStat.DeliverNotify, false, false);
        Assert.Equal(CrankAbort.Retry, exit.Abort);
        Assert.Equal(new CrankTermination("v2", true, Info), exit.Terminate);
    }

    [Fact]
    public void A_clean_exit_keeps_the_delivery_and_terminates_the_vat_without_a_rejection()
    {
        var result = DeliveryHandler.DeliveryCrankResults("v3", new DeliveryOutcome(true, false, null, new ExitSyscall(false, Info)), KernelStat.DeliverMessage, false, false);
        Assert.Equal(CrankAbort.None, result.Abort);
        Assert.Equal(KernelStat.DeliverMessage, result.Stat);
        Assert.Equal(new CrankTermination("v3", false, Info), result.Terminate);
        Assert.Null(result.Dirt);
    }

    [Fact]
    public void A_good_delivery_is_counted_and_leaves_reap_dirt_which_bringOutYourDead_clears_and_a_skipped_one_changes_nothing()
    {
        var ok = new DeliveryOutcome(true, false, null, null);
        var message = DeliveryHandler.DeliveryCrankResults("v4", ok, KernelStat.DeliverMessage, false, clearsDirt: false);
        Assert.Equal(new ReapDirt("v4", false), message.Dirt);
        Assert.Equal(KernelStat.DeliverMessage, message.Stat);
        Assert.Null(message.Terminate);
        var boyd = DeliveryHandler.DeliveryCrankResults("v4", ok, KernelStat.DeliverBringOutYourDead, false, clearsDirt: true);
        Assert.Equal(new ReapDirt("v4", true), boyd.Dirt);
        Assert.Equal(CrankResult.Commit, DeliveryHandler.DeliveryCrankResults("v4", DeliveryOutcome.NotDelivered, KernelStat.DeliverMessage, false, false));
    }

    [Fact]
    public async Task Retry_rolls_the_crank_back_and_leaves_its_event_queued_and_the_results_stats_survive_the_rollback()
    {
        var k = new EngineUnderTest(_ => new CrankResult { Abort = CrankAbort.Retry, Stat = KernelStat.IllegalSyscalls }, countDeliveryFirst: true);
        Assert.True(await k.Engine.StepAsync());
        Assert.Equal(1, k.Keeper.RunQueue.Length);
        Assert.Equal(0, k.Keeper.Stat(KernelStat.DeliverStartVat));
        Assert.Equal(1, k.Keeper.Stat(KernelStat.IllegalSyscalls));
        Assert.Equal(1, k.Keeper.CrankNumber);
    }

    [Fact]
    public async Task Consume_rolls_the_crank_back_and_takes_its_event_off_the_queue()
    {
        var k = new EngineUnderTest(_ => new CrankResult { Abort = CrankAbort.Consume }, countDeliveryFirst: true);
        Assert.True(await k.Engine.StepAsync());
        Assert.Equal(0, k.Keeper.RunQueue.Length);
        Assert.Equal(0, k.Keeper.Stat(KernelStat.DeliverStartVat));
        Assert.False(await k.Engine.StepAsync());
    }

    [Fact]
    public async Task The_vat_is_terminated_before_the_kernel_settles_and_its_host_is_destroyed_after_the_commit()
    {
        EngineUnderTest? k = null;
        Kref kp = default;
        k = new EngineUnderTest(_ => new CrankResult
        {
            Terminate = new CrankTermination("v1", false, Info),
            Settle = new KernelSettlement(kp, false, KCapData.Of("#null")),
        }, terminate: t =>
        {
            k!.Port.Log.Add($"terminate {t.VatId}: {k.Keeper.GetPromise(kp).State}");
            return true;
        });
        kp = k.Keeper.AddPromise(null);
        k.Keeper.AddHostRef(kp);
        Assert.True(await k.Engine.StepAsync());
        Assert.Equal(new[] { "terminate v1: Unresolved", "v1 destroyed" }, k.Port.Log);
        Assert.Equal(PromiseState.Fulfilled, k.Keeper.GetPromise(kp).State);
    }

    [Fact]
    public async Task A_vat_already_gone_is_not_destroyed_again()
    {
        var k = new EngineUnderTest(_ => new CrankResult { Terminate = new CrankTermination("v1", true, Info) }, terminate: _ => false);
        Assert.True(await k.Engine.StepAsync());
        Assert.Empty(k.Port.Log);
    }

    /// <summary>An engine whose every run-queue event goes to one handler; the run-queue holds one startVat event.</summary>
    private sealed class EngineUnderTest : ICrankHandler, IVatTerminator
    {
        private readonly Func<KernelKeeper, CrankResult> _handle;
        private readonly Func<CrankTermination, bool> _terminate;
        private readonly bool _countDeliveryFirst;

        public EngineUnderTest(Func<KernelKeeper, CrankResult> handle, Func<CrankTermination, bool>? terminate = null, bool countDeliveryFirst = false)
        {
            _handle = handle;
            _terminate = terminate ?? (_ => true);
            _countDeliveryFirst = countDeliveryFirst;
            var context = new CrankContext(Port, new KernelOptions(new VatBundleRegistry(), 0), Keeper);
            Engine = new CrankEngine(context, 0, this, new Dictionary<Type, ICrankHandler> { [typeof(StartVatEvent)] = this }, this);
            Keeper.RunQueue.Enqueue(new StartVatEvent("v1", KCapData.Of("#null")));
        }

        public KernelKeeper Keeper { get; } = new();
        public RecordingPort Port { get; } = new();
        public CrankEngine Engine { get; }

        public ValueTask<CrankResult> HandleAsync(KernelEvent ev)
        {
            if (_countDeliveryFirst) Keeper.IncStat(KernelStat.DeliverStartVat);
            return ValueTask.FromResult(_handle(Keeper));
        }

        public Task<bool> TerminateAsync(CrankTermination termination) => Task.FromResult(_terminate(termination));
    }

    /// <summary>A port with no vats behind it that records what the engine tells it.</summary>
    private sealed class RecordingPort : IVatPort
    {
        public List<string> Log { get; } = [];

        public void CreateVat(string vatId, string bundleName, Kref root, bool enablePipelining) => throw new NotSupportedException();
        public bool LoadsOnDemand => false;
        public void RestoreVat(string vatId, string bundleName, bool enablePipelining, IReadOnlyDictionary<string, string>? state) => throw new NotSupportedException();
        public void BlockStored() => throw new NotSupportedException();
        public void DestroyVat(string vatId) => Log.Add($"{vatId} destroyed");
        public Task<TReply> RequestAsync<TReply>(string vatId, VatRequest<TReply> request) where TReply : class => throw new NotSupportedException();
        public void Tell(string vatId, VatCommand command) => Log.Add($"{vatId} {command.GetType().Name} {command.Crank}");
    }
}
