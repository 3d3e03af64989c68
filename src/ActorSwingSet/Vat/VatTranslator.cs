using ActorSwingSet.References;
using ActorSwingSet.Vat.State;
using ActorSwingSet.Vats;

namespace ActorSwingSet.Vat;

/// <summary>
/// The one place where krefs become vrefs and back (SwingSet's vatTranslator). It runs inside the vat actor against
/// that vat's <see cref="VatKeeper"/>, and records every c-list change it makes as a <see cref="VatEffect"/> so the
/// kernel can keep its counts. New exports get krefs from counters the kernel lent for this crank
/// (<see cref="NextObjectId"/>, <see cref="NextPromiseId"/>): the kernel runs nothing else meanwhile, so the numbers
/// are exactly the ones it would have chosen.
/// A problem with a kernel delivery is a kernel bug (<see cref="KernelPanicException"/>); a problem with a syscall
/// is the vat's (<see cref="IllegalSyscallException"/>).
/// </summary>
internal sealed class VatTranslator(VatKeeper keeper, bool enablePipelining, long nextObjectId, long nextPromiseId)
{
    private readonly List<VatEffect> _effects = [];

    public List<VatEffect> Effects => _effects;
    public long NextObjectId { get; private set; } = nextObjectId;
    public long NextPromiseId { get; private set; } = nextPromiseId;

    // ---------------- kernel -> vat ----------------

    /// <summary>Translates a delivery, or returns null for a notify the vat no longer needs.</summary>
    public VatDelivery? TranslateDelivery(KernelDelivery kd) => kd switch
    {
        KMessageDelivery m => TranslateMessage(m),
        KNotifyDelivery n => TranslateNotify(n),
        KGcDelivery g => TranslateGc(g),
        KBringOutYourDead => BringOutYourDeadDelivery.Instance,
        KStartVat s => new StartVatDelivery(ToVat(s.VatParameters)),
        _ => throw new KernelPanicException($"unknown delivery {kd.GetType().Name}"),
    };

    private MessageDelivery TranslateMessage(KMessageDelivery m)
    {
        var target = MapKernelToVat(m.Target);
        var info = VrefInfo.Parse(target);
        if (info.Kind == VrefKind.Object && !info.AllocatedByVat)
            throw new KernelPanicException($"message to {m.Target} delivered to {keeper.VatId}, which only imports it");
        var methargs = ToVat(m.Msg.Methargs);
        var result = m.Msg.Result is { } r ? MapKernelToVat(r) : null;
        return new MessageDelivery(target, methargs, result);
    }

    private NotifyDelivery? TranslateNotify(KNotifyDelivery n)
    {
        if (!keeper.HasKref(n.Kpid)) return null;
        var resolutions = new List<VatResolution>(n.Resolutions.Count);
        foreach (var r in n.Resolutions)
            resolutions.Add(new VatResolution(MapKernelToVat(r.Kpid), r.Rejected, ToVat(r.Data)));
        foreach (var r in n.Resolutions) keeper.DeleteEntry(r.Kpid, _effects);
        return new NotifyDelivery(resolutions);
    }

    private VatDelivery TranslateGc(KGcDelivery g)
    {
        var vrefs = new List<string>(g.Krefs.Count);
        foreach (var kref in g.Krefs)
        {
            if (!keeper.TryGetVref(kref, out var vref))
                throw new KernelPanicException($"GC delivery names {kref}, which {keeper.VatId} does not hold");
            vrefs.Add(vref);
            if (g.Kind == GcDeliveryKind.DropExports) keeper.SetReachable(kref, false, _effects);
            else keeper.DeleteEntry(kref, _effects);
        }
        return g.Kind switch
        {
            GcDeliveryKind.DropExports => new DropExportsDelivery(vrefs),
            GcDeliveryKind.RetireExports => new RetireExportsDelivery(vrefs),
            _ => new RetireImportsDelivery(vrefs),
        };
    }

    private VCapData ToVat(KCapData data)
    {
        if (data.Slots.IsEmpty) return new VCapData(data.Body, []);
        var slots = new string[data.Slots.Length];
        for (var i = 0; i < slots.Length; i++) slots[i] = MapKernelToVat(data.Slots[i]);
        return new VCapData(data.Body, [.. slots]);
    }

    /// <summary>SwingSet's mapKernelSlotToVatSlot: imports get a fresh <c>-</c> vref and are marked reachable.</summary>
    public string MapKernelToVat(Kref kref)
    {
        if (!keeper.TryGetVref(kref, out var vref))
        {
            var kind = kref.Kind switch
            {
                KrefKind.Object => VrefKind.Object,
                KrefKind.Promise => VrefKind.Promise,
                _ => throw new KernelPanicException($"cannot send device reference {kref} into a vat"),
            };
            vref = keeper.AllocateImportVref(kind);
            keeper.AddEntry(kref, vref, false, _effects);
        }
        if (VrefInfo.Parse(vref).AllocatedByVat)
        {
            if (!keeper.IsReachable(kref))
                throw new KernelPanicException($"kernel sent unreachable export {kref} back into {keeper.VatId}");
        }
        else
        {
            keeper.SetReachable(kref, true, _effects);
        }
        return vref;
    }

    // ---------------- vat -> kernel ----------------

    /// <summary>SwingSet's mapVatSlotToKernelSlot: a new <c>+</c> vref becomes a new kref owned (or decided) by the vat.</summary>
    public Kref MapVatToKernel(string vref, bool setReachable = true, bool required = false, bool requireNew = false)
    {
        if (!VrefInfo.TryParse(vref, out var info)) throw new IllegalSyscallException(vref is null ? "missing vref" : $"malformed vref '{vref}'");
        if (keeper.TryGetKref(vref, out var kref, out var reachable))
        {
            if (requireNew) throw new IllegalSyscallException($"vref {vref} is already allocated");
        }
        else
        {
            if (required || !info.AllocatedByVat) throw new IllegalSyscallException($"unknown vref {vref} (not in the c-list of {keeper.VatId})");
            kref = info.Kind switch
            {
                VrefKind.Object => Kref.Object(NextObjectId++),
                VrefKind.Promise => Kref.Promise(NextPromiseId++),
                _ => throw new IllegalSyscallException($"vats cannot export device nodes ({vref})"),
            };
            keeper.AddEntry(kref, vref, true, _effects);
            reachable = false;
        }
        if (setReachable)
        {
            if (info.AllocatedByVat) keeper.SetReachable(kref, true, _effects);
            else if (!reachable) throw new IllegalSyscallException($"vat used unreachable import {vref}");
        }
        return kref;
    }

    public KCapData ToKernel(VCapData? data, string what)
    {
        if (data is null) throw new IllegalSyscallException($"{what}: capdata is missing");
        if (data.Body is null || data.Slots.IsDefault) throw new IllegalSyscallException($"{what}: malformed capdata");
        if (!SmallCaps.IsWellFormed(data.Body, data.Slots.Length, out var problem))
            throw new IllegalSyscallException($"{what}: malformed capdata: {problem}");
        if (data.Slots.IsEmpty) return new KCapData(data.Body, []);
        var slots = new Kref[data.Slots.Length];
        for (var i = 0; i < slots.Length; i++) slots[i] = MapVatToKernel(data.Slots[i]);
        return new KCapData(data.Body, [.. slots]);
    }

    public SendSyscall TranslateSend(string target, VCapData methargs, string? resultVpid)
    {
        var ktarget = MapVatToKernel(target);
        var kargs = ToKernel(methargs, "send");
        Kref? result = null;
        if (resultVpid is not null)
        {
            RequirePromiseVref(resultVpid, "send() result");
            result = MapVatToKernel(resultVpid, requireNew: !enablePipelining);
        }
        return new SendSyscall(ktarget, new KMessage(kargs, result));
    }

    public ResolveSyscall TranslateResolve(IReadOnlyList<VatResolution> resolutions)
    {
        if (resolutions is null || resolutions.Count == 0) throw new IllegalSyscallException("resolve() needs at least one resolution");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var kres = new List<KResolution>(resolutions.Count);
        foreach (var r in resolutions)
        {
            if (r is null) throw new IllegalSyscallException("resolve(): null resolution");
            RequirePromiseVref(r.Vpid, "resolve()");
            if (!seen.Add(r.Vpid)) throw new IllegalSyscallException($"resolve(): {r.Vpid} appears twice");
            if (!r.Rejected && r.Data is { Slots.Length: > 0 } d && IsSingleSlot(d.Body) && VrefInfo.TryParse(d.Slots[0], out var si) && si.Kind == VrefKind.Promise)
                throw new IllegalSyscallException($"resolve(): cannot resolve {r.Vpid} to a promise");
            var kpid = MapVatToKernel(r.Vpid);
            kres.Add(new KResolution(kpid, r.Rejected, ToKernel(r.Data, "resolve()")));
        }
        foreach (var r in kres) keeper.DeleteEntry(r.Kpid, _effects);
        return new ResolveSyscall(kres);
    }

    private static bool IsSingleSlot(string body) =>
        body.Length > 3 && body[1] == '"' && (body[2] == '$' || body[2] == '&') && body[^1] == '"' && body.IndexOf('"', 2) == body.Length - 1;

    public SubscribeSyscall TranslateSubscribe(string vpid)
    {
        RequirePromiseVref(vpid, "subscribe()");
        return new SubscribeSyscall(MapVatToKernel(vpid));
    }

    public MarkDurableSyscall TranslateMarkDurable(string vpid)
    {
        RequirePromiseVref(vpid, "markPromiseDurable()");
        return new MarkDurableSyscall(MapVatToKernel(vpid));
    }

    public VatAdminSyscall TranslateVatAdmin(VCapData operation, string resultVpid)
    {
        var kop = ToKernel(operation, "vatAdmin()");
        RequirePromiseVref(resultVpid, "vatAdmin() result");
        return new VatAdminSyscall(kop, MapVatToKernel(resultVpid));
    }

    public ExitSyscall TranslateExit(bool isFailure, VCapData info) => new(isFailure, ToKernel(info, "exit()"));

    public KernelSyscall TranslateGcSyscall(string op, IReadOnlyList<string> vrefs)
    {
        if (vrefs is null) throw new IllegalSyscallException($"{op}() needs a list of vrefs");
        var wantExport = op is "retireExports" or "abandonExports";
        var krefs = new List<Kref>(vrefs.Count);
        foreach (var vref in vrefs)
        {
            if (!VrefInfo.TryParse(vref, out var info) || info.Kind != VrefKind.Object || info.AllocatedByVat != wantExport)
                throw new IllegalSyscallException($"{op}(): {vref} is not an object {(wantExport ? "export" : "import")}");
            var kref = MapVatToKernel(vref, setReachable: false, required: true);
            switch (op)
            {
                case "dropImports":
                    keeper.SetReachable(kref, false, _effects);
                    break;
                case "retireImports":
                case "retireExports":
                    if (keeper.IsReachable(kref)) throw new IllegalSyscallException($"{op}(): {vref} is still reachable");
                    keeper.DeleteEntry(kref, _effects);
                    break;
                default:
                    keeper.DeleteEntry(kref, _effects);
                    break;
            }
            krefs.Add(kref);
        }
        return op switch
        {
            "dropImports" => new DropImportsSyscall(krefs),
            "retireImports" => new RetireImportsSyscall(krefs),
            "retireExports" => new RetireExportsSyscall(krefs),
            _ => new AbandonExportsSyscall(krefs),
        };
    }

    private static void RequirePromiseVref(string? vref, string what)
    {
        if (!VrefInfo.TryParse(vref, out var info) || info.Kind != VrefKind.Promise)
            throw new IllegalSyscallException($"{what}: '{vref}' is not a promise vref");
    }
}
