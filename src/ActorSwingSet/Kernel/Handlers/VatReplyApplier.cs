using ActorSwingSet.Kernel.Crank;
using ActorSwingSet.Kernel.State;
using ActorSwingSet.Vat.Messages;

namespace ActorSwingSet.Kernel.Handlers;

/// <summary>What became of a delivery once the kernel applied the vat's reply.</summary>
internal readonly record struct DeliveryOutcome(bool Delivered, bool Failed, string? Problem, ExitSyscall? Exit)
{
    /// <summary>The vat skipped the delivery (it has no host): nothing happened.</summary>
    public static readonly DeliveryOutcome NotDelivered = new(false, false, null, null);

    /// <summary>The delivery failed, or the vat asked to exit with failure: the crank is to be unwound.</summary>
    public bool Unwinds => Failed || Exit is { IsFailure: true };
}

/// <summary>
/// Applies a vat's reply to the kernel's tables in order, c-list changes and syscalls, and checks each syscall
/// against the kernel's rules. It reports what it found; the handler turns that into the crank's result.
/// </summary>
internal sealed class VatReplyApplier(ICrankContext context, VatAdminBridge vatAdmin)
{
    /// <summary>Applies a vat's reply in order: c-list changes and syscalls. Stops at the first rule the kernel finds broken.</summary>
    public DeliveryOutcome ApplyReply(string vatId, DeliveryReply reply)
    {
        var outcome = ApplyEffects(vatId, reply);
        context.Slog?.DeliverResult(context.Keeper.CrankNumber, vatId, reply.Status, outcome.Failed ? outcome.Problem : null);
        return outcome;
    }

    private DeliveryOutcome ApplyEffects(string vatId, DeliveryReply reply)
    {
        switch (reply.Status)
        {
            case DeliveryStatus.Skipped:
                return DeliveryOutcome.NotDelivered;
            case DeliveryStatus.KernelPanic:
                throw new KernelPanicException($"{vatId}: {reply.Problem}");
            case DeliveryStatus.IllegalSyscall:
                return new DeliveryOutcome(true, true, "illegal syscall: " + reply.Problem, null);
            case DeliveryStatus.DeliveryError:
                return new DeliveryOutcome(true, true, "delivery failed: " + reply.Problem, null);
        }
        var K = context.Keeper;
        ExitSyscall? exit = null;
        foreach (var effect in reply.Effects)
        {
            if (effect.Syscall is null)
            {
                K.ApplyCListChange(vatId, effect.Change);
                continue;
            }
            if (effect.Syscall is not AbandonNonDurableExports)
            {
                // vatstore access is the vat's own business, and how much of it a delivery needs depends on what the
                // vat still holds in memory, which a restart empties: counting it would make the state restart-dependent
                if (effect.Syscall is not VatstoreSyscall) K.IncStat(KernelStat.Syscalls);
                context.Slog?.Syscall(K.CrankNumber, vatId, effect.Syscall);
            }
            var problem = ExecuteSyscall(vatId, effect.Syscall, ref exit);
            if (problem is not null) return new DeliveryOutcome(true, true, "illegal syscall: " + problem, null);
        }
        if (reply.NextObjectId != K.NextObjectId || reply.NextPromiseId != K.NextPromiseId)
            throw new KernelPanicException($"{vatId} used krefs up to ko{reply.NextObjectId}/kp{reply.NextPromiseId} but reported others");
        return new DeliveryOutcome(true, false, null, exit);
    }

    /// <summary>Performs one translated syscall; returns why it is illegal, or null.</summary>
    private string? ExecuteSyscall(string vatId, KernelSyscall sc, ref ExitSyscall? exit)
    {
        var K = context.Keeper;
        switch (sc)
        {
            case SendSyscall send:
                if (send.Msg.Result is { } result)
                {
                    var rp = K.GetPromise(result);
                    if (rp.State != PromiseState.Unresolved) return $"send() result {result} is already resolved";
                    if (rp.Decider != vatId) return $"send() result {result} is decided by {rp.Decider ?? "the kernel"}, not {vatId}";
                    K.SetDecider(result, null);
                }
                K.Accept(new SendEvent(send.Target, send.Msg));
                return null;
            case ResolveSyscall resolve:
                foreach (var r in resolve.Resolutions)
                {
                    var p = K.GetPromise(r.Kpid);
                    if (p.State != PromiseState.Unresolved) return $"resolve(): {r.Kpid} was already resolved";
                    if (p.Decider != vatId) return $"resolve(): {r.Kpid} is decided by {p.Decider ?? "the kernel"}, not {vatId}";
                    K.ResolvePromise(r.Kpid, r.Rejected, r.Data);
                }
                return null;
            case SubscribeSyscall sub:
                {
                    var p = K.GetPromise(sub.Kpid);
                    if (p.State == PromiseState.Unresolved) K.AddSubscriber(sub.Kpid, vatId);
                    else K.Accept(new NotifyEvent(vatId, sub.Kpid));
                    return null;
                }
            case MarkDurableSyscall md:
                {
                    var p = K.GetPromise(md.Kpid);
                    if (p.State != PromiseState.Unresolved) return $"markPromiseDurable(): {md.Kpid} is already resolved";
                    if (p.Decider != vatId) return $"markPromiseDurable(): {md.Kpid} is decided by {p.Decider ?? "the kernel"}, not {vatId}";
                    K.MarkDurable(md.Kpid);
                    return null;
                }
            case VatAdminSyscall va:
                return vatAdmin.Execute(vatId, va);
            case ExitSyscall e:
                exit ??= e;
                return null;
            case RetireExportsSyscall re:
                K.RetireObjects(re.Krefs);
                return null;
            case AbandonNonDurableExports upgradeAbandon:
                foreach (var ko in upgradeAbandon.Krefs) K.OrphanObject(ko, vatId);
                return null;
            case AbandonExportsSyscall ab:
                foreach (var ko in ab.Krefs)
                {
                    if (K.OwnerOf(ko) != vatId) return $"abandonExports(): {ko} is not owned by {vatId}";
                    K.OrphanObject(ko, vatId);
                }
                return null;
            case DropImportsSyscall or RetireImportsSyscall or VatstoreSyscall:
                return null;
            default:
                throw new KernelPanicException($"unknown syscall {sc.GetType().Name}");
        }
    }
}
