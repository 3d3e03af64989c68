using Akka.Actor;
using Akka.Event;
using ActorSwingSet.Kernel.Messages;

namespace ActorSwingSet;

/// <summary>
/// The host's handle on a kernel running in an ActorSystem (modelled on SwingSet's controller): queue messages,
/// run cranks, read promises, create, upgrade and terminate vats, read stats, dump the state in SwingSet's kvStore
/// schema and audit it. Every call is a message to the kernel actor; bad input fails the call with an
/// <see cref="ArgumentException"/> and changes nothing.
/// </summary>
/// <remarks>
/// <para><b>Host-held references.</b> The promises the queueing calls return are held for the host session that took
/// them: this kernel actor's run, from its start (or recovery) to its stop. They keep what they name alive until
/// <see cref="ReleasePromiseAsync"/>. A session's holds do not outlive it: when a kernel starts again from storage
/// (after a crash, a stop, or in another process), it releases every reference an earlier session still held, in its
/// first block, and a promise only that host held is collected. A host therefore reads what it needs before it stops
/// and asks again after a restart (a vat's root, from <see cref="GetVatInfoAsync"/>, is always there).</para>
/// <para>To keep a reference across restarts on purpose, name it: <see cref="HoldDurablyAsync"/> keeps it until
/// <see cref="ReleaseDurableHoldAsync"/>, and <see cref="GetDurableHoldsAsync"/> finds it again after a restart.</para>
/// </remarks>
public sealed class SwingSetController
{
    private readonly Task _stopped;
    private readonly ActorSystem _system;

    internal SwingSetController(ActorSystem system, IActorRef kernel, KernelSettings settings)
    {
        _system = system;
        Kernel = kernel;
        Settings = settings;
        _stopped = kernel.WatchAsync();
    }

    /// <summary>
    /// The kernel actor (<c>/user/{actor-name}</c>, by default <c>/user/swingset-kernel</c>); vat actors are its
    /// children, named by vat ID.
    /// </summary>
    public IActorRef Kernel { get; }

    /// <summary>
    /// The settings the kernel was started with: the ActorSystem's HOCON over the library defaults
    /// (<see cref="KernelSettings.ActorName"/> is its actor's name).
    /// </summary>
    public KernelSettings Settings { get; }

    /// <summary>Completes when the kernel actor has stopped (after <see cref="StopAsync"/>, or with its ActorSystem).</summary>
    public Task WhenStopped => _stopped;

    /// <summary>
    /// Builds a kernel in <paramref name="system"/> from <paramref name="config"/>; the same as
    /// <see cref="ActorSystemSwingSetExtensions.StartSwingSet"/> (see <see cref="SwingSetKernels.Start"/>).
    /// Settings come from the system's HOCON (section <c>actorswingset</c>) over the library defaults. Static vats
    /// start on the first run.
    /// </summary>
    public static SwingSetController Start(ActorSystem system, KernelConfig config, string? actorName = null) =>
        SwingSetKernels.Get(system).Start(config, actorName);

    /// <summary>
    /// Stops the kernel cleanly: with <paramref name="commit"/> and a journal, first commits a block of everything
    /// since the last one, then stops the kernel actor and its vat actors. The kernel stops even if the commit fails
    /// (a panicked kernel), and the failure is then rethrown. Does nothing on a kernel already stopped. Once it
    /// returns, <see cref="WhenStopped"/> has completed.
    /// </summary>
    public async Task StopAsync(bool commit = true, TimeSpan? timeout = null)
    {
        if (_stopped.IsCompleted) return;
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        Exception? failure = null;
        try
        {
            // one message: a run in progress ends, the last block is committed, and the kernel stops
            using var cancel = new CancellationTokenSource(limit);
            var ack = Kernel.Ask<StopAcknowledged>(new StopKernel(commit && Settings.Persistence.Enabled), cancel.Token);
            await Task.WhenAny(ack, _stopped).ConfigureAwait(false);
            if (ack.IsCompleted) await ack.ConfigureAwait(false); // the kernel's answer, even if the stop was seen first
        }
        catch (Exception e)
        {
            failure = e;
        }
        if (!_stopped.IsCompleted) await Kernel.GracefulStop(limit).ConfigureAwait(false);
        await _stopped.ConfigureAwait(false);
        if (failure is not null) throw failure;
    }

    /// <summary>
    /// Hooks <see cref="StopAsync"/> into the ActorSystem's CoordinatedShutdown, in <paramref name="phase"/> (by
    /// default <c>before-actor-system-terminate</c>, after the services that use the kernel have stopped): the
    /// host's shutdown then commits (with <paramref name="commit"/> and a journal) and stops the kernel, within the
    /// phase's timeout (<c>akka.coordinated-shutdown.phases.PHASE.timeout</c>; Akka's default is 5 s, which a large
    /// last block may exceed: Hosting's <c>ShutdownTimeout</c> sets it).
    /// </summary>
    public SwingSetController StopOnCoordinatedShutdown(bool commit = true, string phase = CoordinatedShutdown.PhaseBeforeActorSystemTerminate)
    {
        CoordinatedShutdown.Get(_system).AddTask(phase, "stop-swingset-" + Settings.ActorName, async () =>
        {
            try
            {
                await StopAsync(commit, CoordinatedShutdown.Get(_system).Timeout(phase)).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // a shutdown task reports and lets the shutdown go on; the kernel restarts from its last block
                _system.Log.Error(e, "ActorSwingSet kernel {0} did not stop cleanly at shutdown; it restarts from its last committed block", Settings.ActorName);
            }
            return Akka.Done.Instance;
        });
        return this;
    }

    /// <summary>
    /// Asks the kernel actor; if it stops instead of answering, the call fails rather than waiting forever. An answer
    /// the kernel gave before it stopped is returned even when the stop is seen first: Akka completes an ask's task at
    /// once but runs its continuations later, while the stop's run at once, so <see cref="Task.WhenAny(Task[])"/> may
    /// pick the stop (a run ended by <see cref="StopAsync"/> is answered just before the kernel stops).
    /// </summary>
    private async Task<T> Ask<T>(KernelRequest request)
    {
        using var cancel = new CancellationTokenSource();
        var answer = Kernel.Ask<T>(request, cancel.Token);
        await Task.WhenAny(answer, _stopped).ConfigureAwait(false);
        if (!answer.IsCompleted)
        {
            await cancel.CancelAsync().ConfigureAwait(false);
            throw new KernelPanicException("the kernel actor has stopped");
        }
        return await answer.ConfigureAwait(false);
    }

    /// <summary>
    /// Queues <c>method(...args)</c> to a vat's root object; any <see cref="Kref"/> in args passes as a reference.
    /// Returns the result promise, held for this host session (see the remarks on <see cref="SwingSetController"/>):
    /// until <see cref="ReleasePromiseAsync"/>, or until the kernel next starts from storage.
    /// </summary>
    public Task<Kref> QueueToVatRootAsync(string vat, string method, params object?[] args) =>
        QueueToVatRootAsync(vat, HostValues.Methargs(method, args));

    /// <summary>
    /// Queues <c>method(...args)</c> to an object or promise; any <see cref="Kref"/> in args passes as a reference.
    /// Returns the result promise, held for this host session (see the remarks on <see cref="SwingSetController"/>):
    /// until <see cref="ReleasePromiseAsync"/>, or until the kernel next starts from storage.
    /// </summary>
    public Task<Kref> QueueToKrefAsync(Kref target, string method, params object?[] args) =>
        QueueToKrefAsync(target, HostValues.Methargs(method, args));

    /// <summary>
    /// Queues a message to a live vat's root object (<paramref name="vat"/> is its name or ID). <paramref name="methargs"/>
    /// is smallcaps <c>[method, [args...]]</c> and may carry references.
    /// Returns the result promise, held for this host session (see the remarks on <see cref="SwingSetController"/>):
    /// until <see cref="ReleasePromiseAsync"/>, or until the kernel next starts from storage.
    /// </summary>
    public async Task<Kref> QueueToVatRootAsync(string vat, KCapData methargs) =>
        (await Ask<Queued>(new QueueToVatRoot(vat, methargs)).ConfigureAwait(false)).Result;

    /// <summary>
    /// Queues a message to any existing object or promise.
    /// Returns the result promise, held for this host session (see the remarks on <see cref="SwingSetController"/>):
    /// until <see cref="ReleasePromiseAsync"/>, or until the kernel next starts from storage.
    /// </summary>
    public async Task<Kref> QueueToKrefAsync(Kref target, KCapData methargs) =>
        (await Ask<Queued>(new QueueToKref(target, methargs)).ConfigureAwait(false)).Result;

    /// <summary>Runs until the queues are empty (or <paramref name="maxCranks"/> cranks); returns how many ran.</summary>
    public async Task<long> RunAsync(long maxCranks = long.MaxValue) =>
        (await Ask<RunCompleted>(new Run(maxCranks)).ConfigureAwait(false)).Cranks;

    /// <summary>
    /// Commits a block: every change since the last commit is journalled in one write. After a crash the kernel
    /// restarts from the last committed block. Fails on a kernel without a journal.
    /// </summary>
    public async Task<long> CommitAsync() => (await Ask<Committed>(new Commit()).ConfigureAwait(false)).Block;

    /// <summary>Runs exactly one crank if there is work; returns whether it did.</summary>
    public async Task<bool> StepAsync() => await RunAsync(1).ConfigureAwait(false) == 1;

    /// <summary>Reads one promise: its state, reference count, decider, subscribers, queue length and resolution.</summary>
    public Task<PromiseStatus> GetPromiseAsync(Kref kpid) => Ask<PromiseStatus>(new GetPromiseStatus(kpid));

    /// <summary>
    /// Lets go of a promise this host session was given; it is collected once nothing else refers to it. Fails with
    /// <see cref="ArgumentException"/> if this session holds no reference to it (a promise taken before the kernel
    /// last started from storage was released then).
    /// </summary>
    public Task ReleasePromiseAsync(Kref kpid) => Ask<Done>(new ReleasePromise(kpid));

    /// <summary>
    /// Keeps <paramref name="kref"/> (an existing object or promise) alive under <paramref name="name"/>, across kernel
    /// restarts, until <see cref="ReleaseDurableHoldAsync"/>: unlike the promises a session holds, a durable hold is
    /// stored with the kernel (<c>kernel.durableHolds</c>) and never released for the host. Fails with
    /// <see cref="ArgumentException"/> if the name is empty or already taken, or the kref does not exist.
    /// </summary>
    public Task HoldDurablyAsync(string name, Kref kref) => Ask<Done>(new HoldDurably(name, kref));

    /// <summary>Lets go of the durable hold <paramref name="name"/>; what it held is collected once nothing else refers to it.</summary>
    public Task ReleaseDurableHoldAsync(string name) => Ask<Done>(new ReleaseDurableHold(name));

    /// <summary>Every durable hold, by name: how a host finds what it kept after a restart.</summary>
    public async Task<IReadOnlyDictionary<string, Kref>> GetDurableHoldsAsync() =>
        (await Ask<DurableHolds>(GetDurableHolds.Instance).ConfigureAwait(false)).Holds;

    /// <summary>
    /// Queues the creation of a dynamic vat from a registered bundle. Returns the new vat's ID and a promise that settles
    /// with <c>{root, vatID}</c> once its startVat has run, or is rejected if the vat could not be started; the promise
    /// is held for this host session (until <see cref="ReleasePromiseAsync"/>, or until the kernel next starts from storage).
    /// </summary>
    public async Task<(string VatId, Kref Result)> CreateVatAsync(string bundleName, KCapData? vatParameters = null, bool enablePipelining = false)
    {
        var q = await Ask<VatQueued>(new CreateVat(bundleName, vatParameters, enablePipelining)).ConfigureAwait(false);
        return (q.VatId, q.Result);
    }

    /// <summary>
    /// Queues an upgrade; the promise settles with <c>{incarnationNumber}</c> or <c>Error('vat-upgrade failure')</c>. It
    /// is held for this host session (until <see cref="ReleasePromiseAsync"/>, or until the kernel next starts from storage).
    /// </summary>
    public async Task<Kref> UpgradeVatAsync(string vat, string bundleName, KCapData? vatParameters = null, string upgradeMessage = "vat upgraded") =>
        (await Ask<Queued>(new UpgradeVat(vat, bundleName, vatParameters, upgradeMessage)).ConfigureAwait(false)).Result;

    /// <summary>
    /// Queues a vat's termination with <c>Error(reason)</c>; <paramref name="reject"/> records it as a failure. The promises
    /// the vat decides are rejected and its exports orphaned. Returns a promise that settles once the vat is gone, held
    /// for this host session (until <see cref="ReleasePromiseAsync"/>, or until the kernel next starts from storage).
    /// </summary>
    public async Task<Kref> TerminateVatAsync(string vat, string reason, bool reject = true) =>
        (await Ask<Queued>(new TerminateVat(vat, reject, KCapData.Of(SmallCaps.Error(reason)))).ConfigureAwait(false)).Result;

    /// <summary>Describes a live or terminated vat, found by name or ID.</summary>
    public Task<VatInfo> GetVatInfoAsync(string vat) => Ask<VatInfo>(new GetVatInfo(vat));

    /// <summary>
    /// The vat-admin service's kref (the root of the vat-admin vat), to hand to vats that create and upgrade vats.
    /// Fails when the kernel runs without <see cref="KernelConfig.EnableVatAdmin"/>.
    /// </summary>
    public async Task<Kref> GetVatAdminServiceAsync() => (await GetVatInfoAsync(VatAdmin.VatAdminVat.VatName).ConfigureAwait(false)).Root;

    /// <summary>The kernel's counters and the current sizes of its tables and queues.</summary>
    public Task<KernelStats> GetStatsAsync() => Ask<KernelStats>(new GetStats());

    /// <summary>The kernel state in SwingSet's kvStore schema, sorted by key.</summary>
    public async Task<IReadOnlyDictionary<string, string>> DumpAsync() =>
        (await Ask<KvDump>(new GetKvDump()).ConfigureAwait(false)).Entries;

    /// <summary>
    /// Finds settled promises left in live vats' c-lists with no notify on its way (SwingSet #9039 damage) and holds
    /// a repairing notify for each until <see cref="InjectQueuedUpgradeEventsAsync"/>.
    /// </summary>
    public Task<RemediationReport> RemediateUpgradeLeaksAsync() => Ask<RemediationReport>(new RemediateUpgradeLeaks());

    /// <summary>Queues the notifies remediation held; run the kernel afterwards to clear the damage.</summary>
    public async Task<int> InjectQueuedUpgradeEventsAsync() =>
        (await Ask<Injected>(new InjectQueuedUpgradeEvents()).ConfigureAwait(false)).Events;

    /// <summary>Checks each alleged (vat, kpid) pair and repairs only those that really are damaged.</summary>
    public Task<IReadOnlyList<ClaimVerdict>> RepairClaimsAsync(params (string VatId, Kref Kpid)[] claims) =>
        Ask<IReadOnlyList<ClaimVerdict>>(new RepairClaims(claims));

    /// <summary>Recounts every reference and checks the invariants of docs/KERNEL-SEMANTICS.md section 9.</summary>
    public async Task<AuditReport> AuditAsync()
    {
        var dump = await Ask<KvDump>(new GetKvDump()).ConfigureAwait(false);
        return KernelAudit.Run(dump.Entries, dump.HostSession);
    }
}
