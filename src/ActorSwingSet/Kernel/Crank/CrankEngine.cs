using ActorSwingSet.Kernel.State;

namespace ActorSwingSet.Kernel.Crank;

/// <summary>
/// Runs cranks. Each <see cref="StepAsync"/> is one: take the next event (acceptance queue first, then GC actions,
/// scheduled reaps, the run-queue), hand it to its handler, apply the <see cref="CrankResult"/> the handler returns
/// (this is the one place a crank's fate is decided: commit, roll back and retry or consume, roll back to a
/// savepoint, count, reap dirt, terminate a vat, settle), run end-of-crank GC and commit. An exception is a kernel
/// panic: the kernel stops. Deterministic: nothing here reads a clock, a random source or thread timing.
/// </summary>
internal sealed class CrankEngine(
    CrankContext context,
    long reapInterval,
    ICrankHandler routing,
    IReadOnlyDictionary<Type, ICrankHandler> handlers,
    IVatTerminator terminator)
{
    private readonly List<string> _destroyAfterCommit = [];

    /// <summary>Why the kernel panicked, or null while it runs.</summary>
    public string? PanicReason { get; private set; }

    /// <summary>Whether a crank is running (host operations wait for its end).</summary>
    public bool Busy { get; private set; }

    /// <summary>Runs one crank. Returns false when there was nothing to do.</summary>
    public async Task<bool> StepAsync()
    {
        ThrowIfPanicked();
        if (Busy) throw new InvalidOperationException("the kernel is not re-entrant: a crank is already running");
        Busy = true;
        var K = context.Keeper;
        try
        {
            K.BeginCrank();
            context.BeginCrank();
            var (ev, fromAcceptance, hasWork) = SelectEvent();
            if (!hasWork)
            {
                K.RollbackCrank();
                K.CommitCrank();
                return false;
            }
            var crankNum = K.CrankNumber;
            context.Slog?.CrankStart(crankNum, fromAcceptance, ev);
            if (fromAcceptance)
            {
                await ApplyAsync(await routing.HandleAsync(ev!).ConfigureAwait(false)).ConfigureAwait(false);
                K.IncStat(KernelStat.RoutingCranks);
            }
            else
            {
                if (ev is not null) await ApplyAsync(await HandlerFor(ev).HandleAsync(ev).ConfigureAwait(false)).ConfigureAwait(false);
                K.IncStat(KernelStat.DeliveryCranks);
            }
            K.ProcessRefcounts();
            K.IncrementCrankNumber();
            K.IncStat(KernelStat.Cranks);
            K.CommitCrank();
            context.Slog?.CrankFinish(crankNum);
            foreach (var v in _destroyAfterCommit) context.DestroyVat(v);
            _destroyAfterCommit.Clear();
            return true;
        }
        catch (Exception e)
        {
            PanicReason = e is KernelPanicException ? e.Message : $"kernel panic: {e.GetType().Name}: {e.Message}";
            throw e as KernelPanicException ?? new KernelPanicException(e.Message, e);
        }
        finally
        {
            Busy = false;
        }
    }

    /// <summary>Throws the panic again if the kernel has panicked.</summary>
    public void ThrowIfPanicked()
    {
        if (PanicReason is not null) throw new KernelPanicException(PanicReason);
    }

    private ICrankHandler HandlerFor(KernelEvent ev) =>
        handlers.GetValueOrDefault(ev.GetType()) ?? throw new KernelPanicException($"unknown run-queue event {ev.Type}");

    /// <summary>
    /// The next event, SwingSet's order: the acceptance queue (a routing crank), then GC actions, then a scheduled
    /// bringOutYourDead, then the run-queue. A null event with work means a crank that only prunes GC actions.
    /// </summary>
    private (KernelEvent? Event, bool FromAcceptance, bool HasWork) SelectEvent()
    {
        var K = context.Keeper;
        if (K.AcceptanceQueue.TryDequeue(out var accepted)) return (accepted, true, true);
        var gc = K.NextGcEvent(out var negated);
        if (gc is not null) return (gc, false, true);
        if (negated) return (null, false, true);
        if (K.NextReap() is { } reapVat) return (new BringOutYourDeadEvent(reapVat), false, true);
        if (K.RunQueue.TryDequeue(out var e)) return (e, false, true);
        return (null, false, false);
    }

    /// <summary>
    /// Applies a handler's decision, in the order <see cref="CrankResult"/> documents. Only a termination waits, so a
    /// crank without one applies its result without an async state machine.
    /// </summary>
    private ValueTask ApplyAsync(CrankResult result)
    {
        var K = context.Keeper;
        switch (result.Abort)
        {
            case CrankAbort.Retry:
                AbortCrank();
                break;
            case CrankAbort.Consume:
                AbortCrank();
                // the same event comes off its queue again and drops its references: consumed, not retried
                if (SelectEvent().Event is { } again) K.ReleaseEvent(again);
                break;
        }
        if (result.Stat is { } stat) K.IncStat(stat);
        if (result.Dirt is { Clear: true } clean) K.ClearReapDirt(clean.VatId);
        else if (result.Dirt is { } dirt) K.AddReapDirt(dirt.VatId, reapInterval);
        if (result.Terminate is { } termination) return TerminateThenSettleAsync(termination, result.Settle);
        Settle(result.Settle);
        return ValueTask.CompletedTask;
    }

    /// <summary>The vat termination a result asks for, then its settlement (the termination's notifies go first).</summary>
    private async ValueTask TerminateThenSettleAsync(CrankTermination termination, KernelSettlement? settle)
    {
        if (await terminator.TerminateAsync(termination).ConfigureAwait(false)) _destroyAfterCommit.Add(termination.VatId);
        Settle(settle);
    }

    private void Settle(KernelSettlement? settle)
    {
        if (settle is not null) context.Keeper.ResolveByKernel(settle.Kpid, settle.Rejected, settle.Data);
    }

    /// <summary>Rolls the crank back to its start in the kernel and in every vat it touched.</summary>
    private void AbortCrank()
    {
        context.Keeper.RollbackCrank();
        context.AbortVats();
    }
}
