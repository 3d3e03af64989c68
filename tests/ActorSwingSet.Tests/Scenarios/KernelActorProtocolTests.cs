using Akka.Actor;
using ActorSwingSet.Kernel.Messages;
using ActorSwingSet.Tests.Support;
using ActorSwingSet.Vats;
using Xunit;
using static ActorSwingSet.Tests.Support.Probe;

namespace ActorSwingSet.Tests.Scenarios;

/// <summary>The kernel actor's message protocol, driven with TestKit probes.</summary>
public sealed class KernelActorProtocolTests() : Akka.TestKit.Xunit2.TestKit(LoadedMachine.TestKitConfig)
{
    private readonly ProbeLog _log = new();

    private IActorRef Kernel(KernelConfig config) =>
        Sys.ActorOf(SwingSetKernels.KernelProps(config, KernelSettings.FromConfig(Sys.Settings.Config)), "kernel" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Requests_are_answered_in_order_and_vats_are_child_actors_named_by_id()
    {
        var kernel = Kernel(Config(_log, "A", "B"));
        kernel.Tell(new Run());
        ExpectMsg<RunCompleted>(r => r.Cranks == 2); // two startVat deliveries
        kernel.Tell(new QueueToVatRoot("A", Call("echo", "x")));
        var queued = ExpectMsg<Queued>();
        kernel.Tell(new Run(1));
        ExpectMsg<RunCompleted>(r => r.Cranks == 1);
        kernel.Tell(new Run());
        ExpectMsg<RunCompleted>();
        kernel.Tell(new GetPromiseStatus(queued.Result));
        ExpectMsg<PromiseStatus>(p => p.State == PromiseState.Fulfilled && (string?)p.Value == "x");
        Sys.ActorSelection(kernel.Path / "v1").Tell(new Identify(1));
        ExpectMsg<ActorIdentity>(id => id.Subject is not null);
        kernel.Tell(new GetKvDump());
        ExpectMsg<KvDump>(d => KernelAudit.Run(d.Entries, d.HostSession).IsClean);
    }

    [Fact]
    public void Bad_input_is_a_failure_reply_and_the_kernel_keeps_serving()
    {
        var kernel = Kernel(Config(_log, "A"));
        kernel.Tell(new QueueToVatRoot("nobody", Call("echo")));
        ExpectMsg<Status.Failure>(f => f.Cause is ArgumentException);
        kernel.Tell(new Run());
        ExpectMsg<RunCompleted>();
        kernel.Tell(new GetStats());
        ExpectMsg<KernelStats>(s => s.LiveVats == 1);
    }

    /// <summary>A vat stuck in its delivery until the test lets it go.</summary>
    private sealed class Stuck(SemaphoreSlim gate) : IRawVat
    {
        public void Deliver(VatDelivery delivery, IVatSyscalls syscalls)
        {
            if (delivery is MessageDelivery) gate.Wait(TimeSpan.FromSeconds(60));
        }
    }

    [Fact]
    public void A_vat_that_never_answers_panics_the_kernel_which_then_answers_every_request_with_the_panic()
    {
        using var gate = new SemaphoreSlim(0);
        var config = new KernelConfig
        {
            Bundles = new VatBundleRegistry().Register("stuck", () => new Stuck(gate)),
            Vats = [new StaticVatConfig("A", "stuck")],
        };
        var settings = KernelSettings.FromConfig(Sys.Settings.Config) with { VatReplyTimeout = TimeSpan.FromMilliseconds(500) };
        var kernel = Sys.ActorOf(SwingSetKernels.KernelProps(config, settings), "stuck-kernel");
        // queued before the first run, so one run ends in the panic whichever delivery the short timeout catches: the
        // stuck message, or on a loaded machine already the startVat before it
        kernel.Tell(new QueueToVatRoot("A", Call("anything")));
        ExpectMsg<Queued>();
        kernel.Tell(new Run());
        ExpectMsg<Status.Failure>(f => f.Cause is KernelPanicException, TimeSpan.FromSeconds(20));
        kernel.Tell(new GetStats());
        ExpectMsg<Status.Failure>(f => f.Cause is KernelPanicException);
        kernel.Tell(new QueueToVatRoot("A", Call("anything")));
        ExpectMsg<Status.Failure>(f => f.Cause is KernelPanicException);
        gate.Release();
    }
}
