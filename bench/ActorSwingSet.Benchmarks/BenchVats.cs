using System.Globalization;
using ActorSwingSet.Vats;

namespace ActorSwingSet.Benchmarks;

/// <summary>
/// The benchmark vats, mirroring the peer SwingSet scripts: <c>pinger.ping(target, n)</c> sends n
/// <c>echo</c> messages at once, each with a result promise it subscribes to (the peer's "parallel" mode: four
/// cranks per message); <c>decider.make(holder, n)</c> makes n promises it never settles and hands them to the
/// holder, which subscribes to each (the peer's upgrade-promises script).
/// </summary>
public sealed class BenchVat : IRawVat
{
    private long _next = 1;
    private static readonly VCapData Undef = VCapData.Of(SmallCaps.Encode(Undefined.Value));

    public void Deliver(VatDelivery delivery, IVatSyscalls s)
    {
        if (delivery is not MessageDelivery m) return;
        var decoded = (List<object?>)SmallCaps.Decode(m.Methargs.Body, m.Methargs.Slots.Length)!;
        var args = (List<object?>)decoded[1]!;
        switch ((string)decoded[0]!)
        {
            case "echo":
                s.Resolve(m.Result!, false, VCapData.Of(SmallCaps.Encode(args[0])));
                break;
            case "ping":
                {
                    var target = m.Methargs.Slots[0];
                    var n = Convert.ToInt64(args[1], CultureInfo.InvariantCulture);
                    for (long i = 0; i < n; i++)
                    {
                        var p = "p+" + (_next++).ToString(CultureInfo.InvariantCulture);
                        s.Send(target, VCapData.Of(SmallCaps.Methargs("echo", i)), p);
                        s.Subscribe(p);
                    }
                    break;
                }
            case "make":
                {
                    var holder = m.Methargs.Slots[0];
                    var n = Convert.ToInt64(args[1], CultureInfo.InvariantCulture);
                    for (long i = 0; i < n; i++)
                    {
                        var p = "p+" + (_next++).ToString(CultureInfo.InvariantCulture);
                        s.Send(holder, VCapData.Of(SmallCaps.Methargs("hold", new SlotRef(0, true)), p));
                    }
                    break;
                }
            case "hold":
                s.Subscribe(m.Methargs.Slots[0]);
                break;
        }
        if (m.Result is { } r && (string)decoded[0]! != "echo") s.Resolve(r, false, Undef);
    }

    public static VatBundleRegistry Bundles() => new VatBundleRegistry()
        .Register("bench", () => new BenchVat())
        .Register("bench-v2", () => new BenchVat());

    public static KernelConfig Config(params string[] names) => new()
    {
        Bundles = Bundles(),
        Vats = [.. names.Select(n => new StaticVatConfig(n, "bench"))],
        ReapInterval = 0,
    };

    public static KCapData Call(string method, Kref target, long n) =>
        KCapData.Of(SmallCaps.Methargs(method, new SlotRef(0, false, "target"), n), target);
}
