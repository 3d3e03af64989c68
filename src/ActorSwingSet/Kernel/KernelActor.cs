using Akka.Actor;
using Akka.Event;
using ActorSwingSet.Audit;
using ActorSwingSet.Kernel.Messages;

namespace ActorSwingSet.Kernel;

/// <summary>
/// The kernel actor: it owns the run-queue, the promise table and the object table (through
/// <see cref="KernelCore"/>) and its children are the vat actors. Requests are served between cranks; a long run is
/// cut into slices of <see cref="KernelSettings.RunSlice"/> cranks so the host is answered meanwhile. After a kernel
/// panic it runs nothing more and answers every request with the panic.
/// </summary>
public sealed class KernelActor : ReceiveActor
{
    private readonly KernelCore _core;
    private readonly KernelSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private PendingRun? _run;

    private sealed record PendingRun(IActorRef ReplyTo, long Remaining, long Done);

    private sealed record ContinueRun
    {
        public static readonly ContinueRun Instance = new();
    }

    public KernelActor(KernelConfig config, KernelSettings settings)
    {
        _settings = settings;
        var port = new ActorVatPort(Context, config.Bundles, settings.VatReplyTimeout);
        _core = new KernelCore(port, new KernelOptions(config.Bundles, config.ReapInterval ?? settings.ReapInterval, config.ReproduceUpgradeLeakBug9039));
        KernelCore.Validate(config);
        _core.Initialize(config.Vats);
        Running();
    }

    /// <summary>Props for a kernel built from <paramref name="config"/>; its static vats start on the first run.</summary>
    public static Props Props(KernelConfig config, KernelSettings settings) =>
        Akka.Actor.Props.Create(() => new KernelActor(config, settings));

    private void Running()
    {
        Receive<QueueToVatRoot>(m => Answer(() => new Queued(_core.QueueToVatRoot(m.Vat, m.Methargs))));
        Receive<QueueToKref>(m => Answer(() => new Queued(_core.QueueToKref(m.Target, m.Methargs))));
        Receive<GetPromiseStatus>(m => Answer(() => _core.GetPromise(m.Kpid)));
        Receive<ReleasePromise>(m => Answer(() =>
        {
            _core.ReleasePromise(m.Kpid);
            return Done.Instance;
        }));
        Receive<CreateVat>(m => Answer(() =>
        {
            var (vatId, result) = _core.QueueCreateVat(m.BundleName, m.VatParameters, m.EnablePipelining);
            return new VatQueued(vatId, result);
        }));
        Receive<UpgradeVat>(m => Answer(() => new Queued(_core.QueueUpgradeVat(m.Vat, m.BundleName, m.VatParameters, m.UpgradeMessage))));
        Receive<TerminateVat>(m => Answer(() => new Queued(_core.QueueTerminateVat(m.Vat, m.Reject, m.Reason))));
        Receive<GetVatInfo>(m => Answer(() => _core.GetVatInfo(m.Vat)));
        Receive<GetStats>(_ => Answer(() => _core.GetStats()));
        ReceiveAsync<GetKvDump>(async _ => await AnswerAsync(async () => new KvDump(await _core.DumpAsync())));
        ReceiveAsync<RunAudit>(async _ => await AnswerAsync(async () => KernelAudit.Run(await _core.DumpAsync())));
        ReceiveAsync<RemediateUpgradeLeaks>(async _ => await AnswerAsync(async () => await _core.RemediateUpgradeLeaksAsync()));
        ReceiveAsync<RepairClaims>(async m => await AnswerAsync(async () => await _core.RepairClaimsAsync(m.Claims)));
        Receive<InjectQueuedUpgradeEvents>(_ => Answer(() => new Injected(_core.InjectQueuedUpgradeEvents())));
        Receive<Run>(m =>
        {
            if (_run is not null)
            {
                Sender.Tell(new Status.Failure(new InvalidOperationException("the kernel is already running")));
                return;
            }
            _run = new PendingRun(Sender, m.MaxCranks, 0);
            Self.Tell(ContinueRun.Instance);
        });
        ReceiveAsync<ContinueRun>(_ => RunSliceAsync());
    }

    private async Task RunSliceAsync()
    {
        if (_run is null) return;
        var run = _run;
        try
        {
            var slice = Math.Min(run.Remaining, _settings.RunSlice);
            var n = await _core.RunAsync(slice);
            run = run with { Remaining = run.Remaining - n, Done = run.Done + n };
            if (n == slice && run.Remaining > 0)
            {
                _run = run;
                Self.Tell(ContinueRun.Instance);
                return;
            }
            _run = null;
            run.ReplyTo.Tell(new RunCompleted(run.Done));
        }
        catch (KernelPanicException e)
        {
            _run = null;
            run.ReplyTo.Tell(new Status.Failure(e));
            Panic(e);
        }
    }

    private void Answer(Func<object> op)
    {
        try
        {
            Sender.Tell(op());
        }
        catch (KernelPanicException e)
        {
            Sender.Tell(new Status.Failure(e));
            Panic(e);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or KeyNotFoundException)
        {
            Sender.Tell(new Status.Failure(e));
        }
    }

    private async Task AnswerAsync(Func<Task<object>> op)
    {
        var replyTo = Sender;
        try
        {
            replyTo.Tell(await op());
        }
        catch (KernelPanicException e)
        {
            replyTo.Tell(new Status.Failure(e));
            Panic(e);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            replyTo.Tell(new Status.Failure(e));
        }
    }

    private void Panic(KernelPanicException e)
    {
        _log.Error(e, "ActorSwingSet kernel panic; the kernel has stopped");
        Become(() => ReceiveAny(_ => Sender.Tell(new Status.Failure(new KernelPanicException(_core.PanicReason ?? e.Message)))));
    }
}
