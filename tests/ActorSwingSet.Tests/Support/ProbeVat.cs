using System.Globalization;
using ActorSwingSet.Vats;

namespace ActorSwingSet.Tests.Support;

/// <summary>
/// A raw vat for kernel scenarios. Like liveslots it subscribes to every promise it imports, keeps its vref
/// counters in the vatstore (so a new incarnation never reuses an old vref), and records what it is delivered.
/// Behaviour is chosen by method name; see <see cref="Deliver"/>.
/// </summary>
public sealed class ProbeVat(ProbeLog log, string name, int incarnationTag = 0) : IRawVat
{
    public void Deliver(VatDelivery delivery, IVatSyscalls s)
    {
        log.Add(name, incarnationTag, delivery);
        switch (delivery)
        {
            case StartVatDelivery when FailStart:
                throw new InvalidOperationException("startVat refused");
            case StartVatDelivery sv when sv.VatParameters.Body == SmallCaps.Encode("exit-on-start"):
                // do some work, then leave cleanly
                s.VatstoreSet("started", "yes");
                s.Exit(false, VCapData.Of(SmallCaps.Encode("done already")));
                break;
            case BringOutYourDeadDelivery when s.VatstoreGet("dropOnBoyd") == "1" && !_droppedOnBoyd && s.VatstoreGet("kept") is { } kept:
                // what a liveslots vat does: drop an import it no longer uses, and remember that it did
                s.DropImports([kept]);
                _droppedOnBoyd = true;
                break;
            case MessageDelivery m:
                OnMessage(m, s);
                break;
            case DropExportsDelivery or RetireExportsDelivery or RetireImportsDelivery or BringOutYourDeadDelivery:
                break;
        }
    }

    private bool _droppedOnBoyd;

    /// <summary>When set, startVat throws (a failing upgrade).</summary>
    public bool FailStart { get; init; }

    private static string Next(IVatSyscalls s, char kind)
    {
        var key = "next." + kind;
        var n = long.Parse(s.VatstoreGet(key) ?? "1", CultureInfo.InvariantCulture);
        s.VatstoreSet(key, (n + 1).ToString(CultureInfo.InvariantCulture));
        return kind + "+" + n.ToString(CultureInfo.InvariantCulture);
    }

    private static readonly VCapData Undef = VCapData.Of(SmallCaps.Encode(Undefined.Value));

    private void OnMessage(MessageDelivery m, IVatSyscalls s)
    {
        var decoded = (List<object?>)SmallCaps.Decode(m.Methargs.Body, m.Methargs.Slots.Length)!;
        var method = (string)decoded[0]!;
        // like liveslots, subscribe to every imported promise, except in the "quiet" methods (a careless raw vat)
        if (!method.StartsWith("quiet", StringComparison.Ordinal))
            foreach (var slot in m.Methargs.Slots)
                if (slot.StartsWith("p-", StringComparison.Ordinal)) s.Subscribe(slot);
        var args = (List<object?>)decoded[1]!;
        string Slot(int argIndex) => m.Methargs.Slots[((SlotRef)args[argIndex]!).Index];
        void Done(VCapData? value = null)
        {
            if (m.Result is { } r) s.Resolve(r, false, value ?? Undef);
        }
        switch (method)
        {
            case "hang":
                break;
            case "echo":
                Done(VCapData.Of(SmallCaps.Encode(args.Count > 0 ? args[0] : Undefined.Value)));
                break;
            case "fail":
                if (m.Result is { } fr) s.Resolve(fr, true, VCapData.Of(SmallCaps.Error("failed on purpose")));
                break;
            case "throw":
                throw new InvalidOperationException("vat code threw");
            case "ping":
                // ping(target, count): ask target to echo, count times
                {
                    var target = Slot(0);
                    var count = Convert.ToInt32(args[1], CultureInfo.InvariantCulture);
                    for (var i = 0; i < count; i++)
                    {
                        var p = Next(s, 'p');
                        s.Send(target, VCapData.Of(SmallCaps.Methargs("echo", i)), p);
                        s.Subscribe(p);
                    }
                    Done();
                    break;
                }
            case "makeAndSend":
                // a promise this vat decides, given to target.hold()
                {
                    var p = Next(s, 'p');
                    s.VatstoreSet("made", p);
                    s.Send(Slot(0), VCapData.Of(SmallCaps.Methargs("hold", new SlotRef(0, true)), p));
                    Done();
                    break;
                }
            case "hold":
            case "quietHold":
                s.VatstoreSet("held", Slot(0));
                Done();
                break;
            case "makeAndSendQuietly":
                {
                    var p = Next(s, 'p');
                    s.VatstoreSet("made", p);
                    s.Send(Slot(0), VCapData.Of(SmallCaps.Methargs("quietHold", new SlotRef(0, true)), p));
                    Done();
                    break;
                }
            case "selfWatch":
                // like a durable promise watcher on a locally decided promise: the vat subscribes to its own promise
                {
                    var p = Next(s, 'p');
                    s.VatstoreSet("watched", p);
                    s.Subscribe(p);
                    Done();
                    break;
                }
            case "sendToHeld":
                // a promise this vat decides, as the argument of a message sent to the promise it holds
                {
                    var p = Next(s, 'p');
                    s.VatstoreSet("made", p);
                    s.Send(s.VatstoreGet("held")!, VCapData.Of(SmallCaps.Methargs("take", new SlotRef(0, true)), p));
                    Done();
                    break;
                }
            case "settleMade":
                // settleMade(rejected): settle the promise made by makeAndSend
                {
                    var rejected = (bool)args[0]!;
                    s.Resolve(s.VatstoreGet("made")!, rejected, rejected ? VCapData.Of(SmallCaps.Error("made rejected")) : VCapData.Of(SmallCaps.Encode("made fulfilled")));
                    Done();
                    break;
                }
            case "resolveHeld":
                // illegal: the held promise is decided by another vat
                s.Resolve(s.VatstoreGet("held")!, false, Undef);
                Done();
                break;
            case "sendUnknown":
                s.Send("o-999", VCapData.Of(SmallCaps.Methargs("x")));
                Done();
                break;
            case "badCapdata":
                s.Send(Slot(0), VCapData.Of("this is not smallcaps"));
                Done();
                break;
            case "badSlots":
                s.Send(Slot(0), VCapData.Of(SmallCaps.Methargs("x", new SlotRef(3, false))));
                Done();
                break;
            case "exit":
                s.Exit((bool)args[0]!, VCapData.Of(SmallCaps.Encode("bye")));
                break;
            case "store":
                s.VatstoreSet((string)args[0]!, (string)args[1]!);
                Done();
                break;
            case "load":
                Done(VCapData.Of(SmallCaps.Encode(s.VatstoreGet((string)args[0]!))));
                break;
            case "exportObject":
                // a fresh ephemeral export (o+N), returned in a record so the caller imports it
                {
                    var o = Next(s, 'o');
                    s.VatstoreSet("exported", o);
                    Done(VCapData.Of(SmallCaps.Encode(new Dictionary<string, object?> { ["obj"] = new SlotRef(0, false, "thing") }), o));
                    break;
                }
            case "exportDurable":
                {
                    var o = "o+d10/" + Next(s, 'd')[2..];
                    Done(VCapData.Of(SmallCaps.Encode(new Dictionary<string, object?> { ["obj"] = new SlotRef(0, false, "durable") }), o));
                    break;
                }
            case "keep":
                // keep(obj): hold an imported object
                s.VatstoreSet("kept", Slot(0));
                Done();
                break;
            case "armBoydDrop":
                s.VatstoreSet("dropOnBoyd", "1");
                Done();
                break;
            case "dropKept":
                s.DropImports([s.VatstoreGet("kept")!]);
                Done();
                break;
            case "retireKept":
                s.RetireImports([s.VatstoreGet("kept")!]);
                Done();
                break;
            case "retireExported":
                s.RetireExports([s.VatstoreGet("exported")!]);
                Done();
                break;
            case "abandonExported":
                s.AbandonExports([s.VatstoreGet("exported")!]);
                Done();
                break;
            case "nested":
                // settle the result and a fresh promise together; the result's data names the fresh one
                if (m.Result is { } nr)
                {
                    var inner = Next(s, 'p');
                    s.Resolve([
                        new VatResolution(nr, false, VCapData.Of(SmallCaps.Encode(new Dictionary<string, object?> { ["inner"] = new SlotRef(0, true) }), inner)),
                        new VatResolution(inner, false, VCapData.Of(SmallCaps.Encode("inner value"))),
                    ]);
                }
                break;
            case "askNested":
                {
                    var p = Next(s, 'p');
                    s.Send(Slot(0), VCapData.Of(SmallCaps.Methargs("nested")), p);
                    s.Subscribe(p);
                    Done();
                    break;
                }
            case "resolveTwice":
                if (m.Result is { } rt)
                {
                    s.Resolve(rt, false, Undef);
                    s.Resolve(rt, false, Undef);
                }
                break;
            default:
                if (m.Result is { } dr) s.Resolve(dr, true, VCapData.Of(SmallCaps.Error($"no method {method}")));
                break;
        }
    }
}

/// <summary>What every probe vat was delivered, in order (vats run one crank at a time, so no two write at once).</summary>
public sealed class ProbeLog
{
    private readonly List<(string Vat, int Incarnation, VatDelivery Delivery)> _entries = [];
    private readonly Lock _lock = new();

    public void Add(string vat, int incarnation, VatDelivery d)
    {
        lock (_lock) _entries.Add((vat, incarnation, d));
    }

    public IReadOnlyList<(string Vat, int Incarnation, VatDelivery Delivery)> Entries
    {
        get { lock (_lock) return [.. _entries]; }
    }

    public IEnumerable<NotifyDelivery> NotifiesTo(string vat, int? incarnation = null) =>
        Entries.Where(e => e.Vat == vat && (incarnation is null || e.Incarnation == incarnation)).Select(e => e.Delivery).OfType<NotifyDelivery>();
}
