using ActorSwingSet.Vats;
using static ActorSwingSet.Vats.Eventual;

namespace ActorSwingSet.Benchmarks;

/// <summary>
/// <see cref="BenchVat"/>'s ping-pong as a C# vat: <c>ping(target, n)</c> sends n <c>echo</c> messages at once, each
/// with a result promise the vat subscribes to, and <c>echo(i)</c> returns i: the same syscalls as the raw vat.
/// </summary>
public sealed class LiveslotsPingVat : IVat
{
    public object BuildRootObject(VatPowers powers, object? vatParameters, Baggage baggage) => new Pinger();

    public static KernelConfig Config(params string[] names) => new()
    {
        Bundles = new VatBundleRegistry().RegisterVat<LiveslotsPingVat>("ping"),
        Vats = [.. names.Select(n => new StaticVatConfig(n, "ping"))],
        ReapInterval = 0,
    };

    [Far("pinger")]
    public sealed class Pinger
    {
        public void Ping(Presence target, long n)
        {
            for (long i = 0; i < n; i++) _ = E(target).Call("echo", i);
        }

        public long Echo(long i) => i;
    }
}
