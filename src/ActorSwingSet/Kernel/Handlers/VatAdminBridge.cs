using ActorSwingSet.Kernel.Crank;
using ActorSwingSet.Kernel.State;

namespace ActorSwingSet.Kernel.Handlers;

/// <summary>
/// The kernel's side of vat administration from inside vats (SwingSet's vat-admin device): the vat-admin vat
/// (<see cref="VatAdmin.VatAdminVat"/>) asks for vats to be created, upgraded or terminated with a syscall, and the kernel
/// queues the same events the host's operations queue, settling the syscall's result promise with the outcome.
/// When a dynamic vat dies the kernel tells the vat-admin vat, which asks for the vat's status (<c>vatStatus</c>,
/// answered at once from the kernel's records, since anyone holding the service could call <c>vatTerminated</c>) and
/// settles the vat's done-promise with the recorded outcome.
/// </summary>
internal sealed class VatAdminBridge(ICrankContext context)
{
    /// <summary>Runs the vat-admin syscall; returns why it is illegal, or null.</summary>
    public string? Execute(string vatId, VatAdminSyscall va)
    {
        var K = context.Keeper;
        if (K.Vat(vatId) is not { Dynamic: false, Name: KernelConfig.VatAdminVatName })
            return "vatAdmin(): only the vat-admin vat may administer vats";
        var rp = K.GetPromise(va.Result);
        if (rp.State != PromiseState.Unresolved) return $"vatAdmin(): result {va.Result} is already resolved";
        if (rp.Decider != vatId) return $"vatAdmin(): result {va.Result} is decided by {rp.Decider ?? "the kernel"}, not {vatId}";
        if (SmallCaps.Decode(va.Operation.Body, va.Operation.Slots.Length) is not List<object?> { Count: 2 } l
            || l[0] is not string op || l[1] is not List<object?> args)
            return "vatAdmin(): the operation must be [name, [args...]]";
        // only vatParameters may carry references, so the operation's slots are theirs
        KCapData Parameters(object? value) => new(SmallCaps.Encode(value), va.Operation.Slots);
        if ((op, args) is ("vatStatus", [string queried]))
        {
            // answered at once, from the kernel's own records: the vat-admin vat trusts only this about a vat's end
            K.SetDecider(va.Result, null);
            K.ResolveByKernel(va.Result, false, VatStatus(queried));
            return null;
        }
        KernelEvent? e = (op, args) switch
        {
            ("createVat", [string bundle, var parameters, bool pipelining]) =>
                new CreateVatEvent(K.AllocateVatId(), bundle, Parameters(parameters), pipelining, va.Result),
            ("upgradeVat", [string target, string bundle, var parameters, string message]) =>
                new UpgradeVatEvent(target, bundle, Parameters(parameters), message, va.Result),
            ("terminateVat", [string target, var reason]) when va.Operation.Slots.IsEmpty =>
                new TerminateVatEvent(target, true, KCapData.Of(SmallCaps.Encode(reason)), va.Result),
            _ => null,
        };
        if (e is null) return $"vatAdmin(): malformed operation '{op}'";
        K.SetDecider(va.Result, null);
        K.Accept(e);
        return null;
    }

    /// <summary><c>{alive}</c>, or for a dead vat <c>{alive: false, isFailure, reason}</c> (its recorded termination).</summary>
    private KCapData VatStatus(string vatId)
    {
        var K = context.Keeper;
        var status = new SortedDictionary<string, object?>(StringComparer.Ordinal) { ["alive"] = K.IsAlive(vatId) };
        if (!K.IsAlive(vatId))
        {
            if (K.TerminationReasons.TryGetValue(vatId, out var t))
            {
                status["isFailure"] = t.IsFailure;
                status["reason"] = SmallCaps.IsWellFormed(t.InfoBody, 0, out _) ? SmallCaps.Decode(t.InfoBody, 0) : new PassableError("Error", "vat terminated");
            }
            else
            {
                status["isFailure"] = true;
                status["reason"] = new PassableError("Error", $"no vat {vatId}");
            }
        }
        return KCapData.Of(SmallCaps.Encode(status));
    }

    /// <summary>Queues <c>vatTerminated(vatID, isFailure, reason)</c> to the vat-admin vat's root, for dynamic vats.</summary>
    public void NotifyOfTermination(string vatId, bool isFailure, KCapData reason)
    {
        var K = context.Keeper;
        if (K.Vat(vatId) is not { Dynamic: true }) return;
        VatRecord? admin = null;
        foreach (var v in K.Vats)
            if (v is { Dynamic: false, Name: KernelConfig.VatAdminVatName, Alive: true }) admin = v;
        if (admin is null) return;
        var decoded = SmallCaps.Decode(reason.Body, reason.Slots.Length);
        var methargs = new KCapData(SmallCaps.Methargs("vatTerminated", vatId, isFailure, decoded), reason.Slots);
        K.Accept(new SendEvent(admin.Root, new KMessage(methargs, null)));
    }
}
