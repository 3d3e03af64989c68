using Akka.Actor;
using Akka.Event;
using ActorSwingSet.Kernel;
using ActorSwingSet.Kernel.Messages;
using ActorSwingSet.Persistence;

namespace ActorSwingSet;

/// <summary>
/// The kernel actor: it owns the run-queue, the promise table and the object table (through
/// <see cref="KernelCore"/>) and its children are the vat actors. Requests are served between cranks; a long run is
/// cut into slices of <see cref="KernelSettings.RunSlice"/> cranks so the host is answered meanwhile. After a kernel
/// panic it runs nothing more and answers every request with the panic.
/// </summary>
public sealed class KernelActor : ReceiveActor, IWithUnboundedStash
{
    private KernelCore _core;
    private readonly KernelSettings _settings;
    private readonly KernelConfig _config;
    private readonly ActorVatPort _port;
    private readonly KernelOptions _options;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IActorRef? _journal;
    // the committed transcripts: the journal applies each block's items to them; the vat side reads them. A
    // SqliteTranscriptStore (disposed when the kernel stops) when the journal is on SQLite, otherwise in memory
    private readonly ICommittedTranscripts _transcripts;
    private readonly IKernelStatsSink _metrics;
    private readonly ICrankTrace? _slog;
    private long _cranksSinceCommit;
    private PendingRun? _run;

    /// <summary>Set by Akka: requests that arrive while the journal recovers the state wait here.</summary>
    public IStash Stash { get; set; } = null!;

    private sealed record PendingRun(IActorRef ReplyTo, long Remaining, long Done);

    private sealed record ContinueRun
    {
        public static readonly ContinueRun Instance = new();
    }

    /// <summary>
    /// Builds the kernel from <paramref name="config"/>, which it validates. Without persistence it serves at once; with
    /// it, it first recovers the committed state through its journal child. Hosts start it with
    /// <see cref="SwingSetController.Start"/>, which gives it its <paramref name="observers"/> and its
    /// system vats' bundles (<see cref="SwingSetKernels.KernelProps"/>).
    /// </summary>
    internal KernelActor(KernelConfig config, KernelSettings settings, KernelObservers observers)
    {
        _settings = settings;
        _config = config;
        KernelCore.Validate(config);
        var p = settings.Persistence;
        var storeProblem = OpenTranscripts(p, out _transcripts);
        // without persistence nothing commits blocks, so each vat keeps its own transcript in memory
        _port = new ActorVatPort(Context, config.Bundles, settings.VatReplyTimeout, settings.MaxVatsOnline, p.Enabled ? _transcripts : null, null);
        _slog = observers.OpenTrace(e => _log.Error(e, "the slog file {0} cannot be written; the slog is off", settings.SlogFile));
        _options = new KernelOptions(config.Bundles, config.ReapInterval ?? settings.ReapInterval, config.ReproduceUpgradeLeakBug9039)
        {
            Listener = new KernelLog(_log),
            Slog = _slog,
        };
        _core = new KernelCore(_port, _options);
        _metrics = observers.Metrics(Self.Path.ToString());
        if (storeProblem is not null)
        {
            // a panic from the start (Become is not for a constructor): every request is answered with it
            _panic = storeProblem;
            _log.Error("ActorSwingSet kernel panic: {0}; the kernel has stopped and persists nothing further", _panic);
            ReceiveAny(_ => Sender.Tell(new Status.Failure(new KernelPanicException(_panic))));
            return;
        }
        if (!p.Enabled)
        {
            _core.Initialize(config.StaticVats());
            PublishStats();
            Running();
            return;
        }
        _journal = Context.ActorOf(KernelJournal.Props(p.PersistenceId, new SnapshotPolicy(p.SnapshotEveryBlocks, p.SnapshotMinVolume),
            p.JournalPluginId, p.SnapshotPluginId, _transcripts), "journal");
        Context.Watch(_journal);
        Recovering();
    }

    /// <summary>
    /// Opens the committed transcripts into <paramref name="store"/>: the journal's (<see cref="TranscriptStores.For"/>)
    /// with persistence, an empty <see cref="MemoryTranscriptStore"/> without. Returns null, or the panic when the
    /// SQLite tables cannot be opened (then <paramref name="store"/> is an empty memory store, never used).
    /// </summary>
    private static string? OpenTranscripts(PersistenceSettings p, out ICommittedTranscripts store)
    {
        store = new MemoryTranscriptStore(p.KeepTranscripts);
        if (!p.Enabled) return null;
        try
        {
            store = TranscriptStores.For(Context.System, p.JournalPluginId, p.PersistenceId, p.KeepTranscripts);
            return null;
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            return $"the transcript tables cannot be opened: {KernelDatabase.OneLine(e)}";
        }
    }

    /// <summary>
    /// Until the journal has recovered the committed state, requests wait. However long recovery takes, it ends in
    /// the state, or in the journal's report of what it could not recover (sent before it stops, so it arrives before
    /// the <see cref="Terminated"/>); either way the waiting requests are then answered.
    /// </summary>
    private void Recovering()
    {
        _journal!.Tell(GetCommittedState.Instance);
        Receive<CommittedState>(s =>
        {
            try
            {
                if (s.Block == 0) _core.Initialize(_config.StaticVats());
                else _core = KernelCore.Restore(_port, _options, s.State);
                if (_core.BeginHostSession(s.Block) is var released and > 0)
                    _log.Info("released {0} host reference(s) held by an earlier host session", released);
                _log.Info("ActorSwingSet kernel {0} at block {1}, crank {2}", s.Block == 0 ? "created" : "recovered", s.Block, _core.Keeper.CrankNumber);
                PublishStats();
                Become(Running);
            }
            catch (Exception e) when (e is FormatException or KernelPanicException)
            {
                Panic(new KernelPanicException($"the stored state cannot be used: {e.Message}"));
            }
            Stash.UnstashAll();
        });
        Receive<JournalRecoveryFailed>(f =>
        {
            Panic(new KernelPanicException($"the journal could not recover the kernel's state: {f.Problem}"));
            Stash.UnstashAll();
        });
        Receive<Terminated>(t => t.ActorRef.Equals(_journal), _ =>
        {
            Panic(new KernelPanicException("the journal could not recover the kernel's state (it stopped)"));
            Stash.UnstashAll();
        });
        ReceiveAny(_ => Stash.Stash());
    }

    /// <summary>Hands the metrics a fresh snapshot of the stats; they never read the kernel themselves.</summary>
    private void PublishStats() => _metrics.Publish(_core.GetStats());

    /// <summary>The kernel stopped: its meter is withdrawn and its slog closed.</summary>
    protected override void PostStop()
    {
        _metrics.Dispose();
        _slog?.Dispose();
        // the journal, a child, has stopped before this runs: nothing applies to the store any more
        (_transcripts as IDisposable)?.Dispose();
        _log.Debug("ActorSwingSet kernel stopped at crank {0}", _core.Keeper.CrankNumber);
        base.PostStop();
    }

    /// <summary>A vat actor that throws is a kernel bug: it is stopped, never restarted with half its state.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    /// <summary>Props for a kernel built from <paramref name="config"/>; its static vats start on the first run.</summary>
    internal static Props Props(KernelConfig config, KernelSettings settings, KernelObservers observers) =>
        Akka.Actor.Props.CreateBy(new Producer(config, settings, observers));

    /// <summary>Builds the actor through its internal constructor (Akka's default activator needs a public one).</summary>
    private sealed class Producer(KernelConfig config, KernelSettings settings, KernelObservers observers) : IIndirectActorProducer
    {
        public Type ActorType => typeof(KernelActor);
        public ActorBase Produce() => new KernelActor(config, settings, observers);
        public void Release(ActorBase actor) { }
    }

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
        Receive<HoldDurably>(m => Answer(() =>
        {
            _core.HoldDurably(m.Name, m.Kref);
            return Done.Instance;
        }));
        Receive<ReleaseDurableHold>(m => Answer(() =>
        {
            _core.ReleaseDurableHold(m.Name);
            return Done.Instance;
        }));
        Receive<GetDurableHolds>(_ => Answer(() => new DurableHolds(_core.GetDurableHolds())));
        Receive<CreateVat>(m => Answer(() =>
        {
            var (vatId, result) = _core.QueueCreateVat(m.BundleName, m.VatParameters, m.EnablePipelining);
            return new VatQueued(vatId, result);
        }));
        Receive<UpgradeVat>(m => Answer(() => new Queued(_core.QueueUpgradeVat(m.Vat, m.BundleName, m.VatParameters, m.UpgradeMessage))));
        Receive<TerminateVat>(m => Answer(() => new Queued(_core.QueueTerminateVat(m.Vat, m.Reject, m.Reason))));
        Receive<GetVatInfo>(m => Answer(() => _core.GetVatInfo(m.Vat)));
        Receive<GetStats>(_ => Answer(() => _core.GetStats()));
        ReceiveAsync<GetKvDump>(async _ => await AnswerAsync(async () => new KvDump(await _core.DumpAsync(), _core.Keeper.HostSession)));
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
        ReceiveAsync<Commit>(async _ =>
        {
            var replyTo = Sender;
            if (_journal is null)
            {
                replyTo.Tell(new Status.Failure(new InvalidOperationException("this kernel has no journal (actorswingset.persistence.enabled = off)")));
                return;
            }
            if (await CommitBlockAsync() is { } block) replyTo.Tell(new Committed(block));
            else replyTo.Tell(new Status.Failure(new KernelPanicException(_panic ?? "the block could not be committed")));
        });
        ReceiveAsync<StopKernel>(async m =>
        {
            var replyTo = Sender;
            if (_run is { } run)
            {
                // the run ends here; what it did is in the last block below
                _run = null;
                run.ReplyTo.Tell(new RunCompleted(run.Done));
            }
            long? block = null;
            if (m.Commit && _journal is not null && (block = await CommitBlockAsync()) is null)
            {
                replyTo.Tell(new Status.Failure(new KernelPanicException(_panic ?? "the last block could not be committed")));
                return;
            }
            _log.Info("ActorSwingSet kernel stopping at crank {0}{1}", _core.Keeper.CrankNumber, block is { } b ? $", last block {b}" : "");
            replyTo.Tell(new StopAcknowledged(block));
            Context.Stop(Self);
        });
        Receive<Terminated>(t => t.ActorRef.Equals(_journal), _ =>
            Panic(new KernelPanicException("the journal stopped (a write failed); the kernel runs nothing more")));
    }

    /// <summary>Journals every change since the last block; on any failure the kernel panics. Returns the block number.</summary>
    private async Task<long?> CommitBlockAsync()
    {
        try
        {
            var (writes, transcript) = await _core.TakeBlockDeltaAsync();
            var stored = await _journal!.Ask<BlockStored>(new CommitBlock(_core.Keeper.CrankNumber, writes, transcript), _settings.VatReplyTimeout);
            _port.BlockStored();
            _cranksSinceCommit = 0;
            PublishStats();
            _slog?.Commit(_core.Keeper.CrankNumber, stored.Block, writes.Count);
            _slog?.Flush();
            _log.Debug("committed block {0} at crank {1} ({2} writes)", stored.Block, _core.Keeper.CrankNumber, writes.Count);
            return stored.Block;
        }
        catch (Exception e)
        {
            Panic(new KernelPanicException($"a block could not be committed: {e.Message}", e));
            return null;
        }
    }

    private async Task RunSliceAsync()
    {
        if (_run is null) return;
        var run = _run;
        try
        {
            var every = _journal is null ? 0 : _settings.Persistence.CommitEveryCranks;
            var slice = Math.Min(run.Remaining, _settings.RunSlice);
            if (every > 0) slice = Math.Min(slice, every - _cranksSinceCommit);
            var n = await _core.RunAsync(slice);
            _cranksSinceCommit += n;
            PublishStats();
            _slog?.Flush();
            if (every > 0 && _cranksSinceCommit >= every && await CommitBlockAsync() is null)
            {
                _run = null;
                run.ReplyTo.Tell(new Status.Failure(new KernelPanicException(_panic ?? "the block could not be committed")));
                return;
            }
            run = run with { Remaining = run.Remaining - n, Done = run.Done + n };
            if (n == slice && run.Remaining > 0)
            {
                _run = run;
                Self.Tell(ContinueRun.Instance);
                return;
            }
            _run = null;
            _log.Debug("ran {0} cranks; now at crank {1}", run.Done, _core.Keeper.CrankNumber);
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

    private string? _panic;

    private void Panic(KernelPanicException e)
    {
        _panic ??= _core.PanicReason ?? e.Message;
        _slog?.Flush();
        _log.Error(e, "ActorSwingSet kernel panic; the kernel has stopped and persists nothing further");
        Become(() =>
        {
            Receive<Terminated>(_ => { });
            ReceiveAny(_ => Sender.Tell(new Status.Failure(new KernelPanicException(_panic))));
        });
    }
}
