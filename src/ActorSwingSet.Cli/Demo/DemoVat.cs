using System.Globalization;
using ActorSwingSet.Vats;

namespace ActorSwingSet.Cli.Demo;

/// <summary>
/// The demo's vat code, written against the raw-vat API. Vats form a ring: <c>relay(hops)</c> forwards to the
/// next vat and settles its own result when the downstream promise settles, so promises chain across vats.
/// It also makes the promise shapes an upgrade must handle: unresolved ones it decides (<c>hang</c>), a
/// self-subscribed one (<c>selfWatch</c>), and one carried by a message queued on another vat's promise
/// (<c>offer</c> then <c>sendToHeld</c>). Vref counters live in the vatstore, so they survive upgrade.
/// <c>recordProgress</c> keeps the demo host's plan and progress in the vatstore (see <see cref="DemoScenario"/>).
/// </summary>
public sealed class DemoVat(int version) : IRawVat
{
    private static readonly VCapData Undef = VCapData.Of(SmallCaps.Encode(Undefined.Value));

    public void Deliver(VatDelivery delivery, IVatSyscalls s)
    {
        switch (delivery)
        {
            case StartVatDelivery:
                s.VatstoreSet("version", version.ToString(CultureInfo.InvariantCulture));
                break;
            case MessageDelivery m:
                OnMessage(m, s);
                break;
            case NotifyDelivery n:
                foreach (var r in n.Resolutions)
                {
                    // a downstream promise settled: settle the upstream result waiting on it
                    var key = "wait." + r.Vpid;
                    if (s.VatstoreGet(key) is { } upstream)
                    {
                        s.VatstoreDelete(key);
                        s.Resolve(upstream, r.Rejected, r.Data.Slots.Length == 0 ? r.Data : Undef);
                    }
                }
                break;
        }
    }

    private static string NextVpid(IVatSyscalls s)
    {
        var n = long.Parse(s.VatstoreGet("next.p") ?? "1", CultureInfo.InvariantCulture);
        s.VatstoreSet("next.p", (n + 1).ToString(CultureInfo.InvariantCulture));
        return "p+" + n.ToString(CultureInfo.InvariantCulture);
    }

    private static void OnMessage(MessageDelivery m, IVatSyscalls s)
    {
        foreach (var slot in m.Methargs.Slots)
            if (slot.StartsWith("p-", StringComparison.Ordinal)) s.Subscribe(slot);
        var decoded = (List<object?>)SmallCaps.Decode(m.Methargs.Body, m.Methargs.Slots.Length)!;
        var method = (string)decoded[0]!;
        var args = (List<object?>)decoded[1]!;
        string Slot(int i) => m.Methargs.Slots[((SlotRef)args[i]!).Index];
        void Done() { if (m.Result is { } r) s.Resolve(r, false, Undef); }
        switch (method)
        {
            case "link":
                s.VatstoreSet("next", Slot(0));
                Done();
                break;
            case "relay":
                {
                    var hops = Convert.ToInt64(args[0], CultureInfo.InvariantCulture);
                    if (hops <= 0 || m.Result is null)
                    {
                        if (m.Result is { } r0) s.Resolve(r0, false, VCapData.Of(SmallCaps.Encode("arrived")));
                        break;
                    }
                    var p = NextVpid(s);
                    s.Send(s.VatstoreGet("next")!, VCapData.Of(SmallCaps.Methargs("relay", hops - 1)), p);
                    s.Subscribe(p);
                    s.VatstoreSet("wait." + p, m.Result);
                    break;
                }
            case "recordProgress":
                // the demo's round, its plan and the last step done: a restarted host reads them back from the kernel
                foreach (var (key, i) in new[] { ("round", 0), ("hops", 1), ("upgrades", 2), ("step", 3), ("steps", 4) })
                    s.VatstoreSet("demo." + key, Convert.ToInt64(args[i], CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
                Done();
                break;
            case "hang":
                break;
            case "selfWatch":
                {
                    var p = NextVpid(s);
                    s.Subscribe(p);
                    Done();
                    break;
                }
            case "offer":
                // give the next vat a promise this vat decides (it holds it and subscribes)
                {
                    var p = NextVpid(s);
                    s.VatstoreSet("offered", p);
                    s.Send(s.VatstoreGet("next")!, VCapData.Of(SmallCaps.Methargs("hold", new SlotRef(0, true)), p));
                    Done();
                    break;
                }
            case "hold":
                s.VatstoreSet("held", Slot(0));
                Done();
                break;
            case "sendToHeld":
                // a promise this vat decides travels in a message that waits on the held promise
                {
                    var p = NextVpid(s);
                    s.Send(s.VatstoreGet("held")!, VCapData.Of(SmallCaps.Methargs("take", new SlotRef(0, true)), p));
                    Done();
                    break;
                }
            case "settleOffered":
                s.Resolve(s.VatstoreGet("offered")!, true, VCapData.Of(SmallCaps.Error("offer withdrawn")));
                Done();
                break;
            default:
                if (m.Result is { } dr) s.Resolve(dr, true, VCapData.Of(SmallCaps.Error($"no method {method}")));
                break;
        }
    }
}
