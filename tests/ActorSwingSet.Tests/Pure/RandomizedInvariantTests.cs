using System.Globalization;
using ActorSwingSet.Kernel;
using ActorSwingSet.Vats;
using Xunit;

namespace ActorSwingSet.Tests.Pure;

/// <summary>
/// A vat that makes random but well-formed syscalls (sends with promises and objects, resolutions, GC syscalls,
/// subscriptions), and now and then a rule-breaking one, a throw or an exit. Its choices come from a seeded
/// generator, so a run is reproducible; the kernel itself never sees randomness.
/// </summary>
public sealed class ChaosVat(int seed) : IRawVat
{
    private readonly Random _r = new(seed);
    private readonly List<string> _objs = [];      // reachable imports + own live exports
    private readonly List<string> _exports = [];   // own exports not dropped
    private readonly List<string> _promises = [];  // known promises (in c-list), not decided
    private readonly List<string> _decided = [];   // promises this vat decides
    public bool FailStart { get; init; }
    private string Next(IVatSyscalls s, char k)
    {
        var key = "n." + k;
        var n = long.Parse(s.VatstoreGet(key) ?? "1", CultureInfo.InvariantCulture);
        s.VatstoreSet(key, (n + 1).ToString(CultureInfo.InvariantCulture));
        return k + "+" + n.ToString(CultureInfo.InvariantCulture);
    }
    private T Pick<T>(List<T> l) => l[_r.Next(l.Count)];
    private void Learn(IReadOnlyList<string> slots, IVatSyscalls s, HashSet<string>? retired = null)
    {
        foreach (var v in slots)
        {
            if (retired is not null && retired.Contains(v)) continue;
            if (v.StartsWith("o-") && !_objs.Contains(v)) _objs.Add(v);
            if (v.StartsWith("o+") && !_objs.Contains(v)) { _objs.Add(v); if (!_exports.Contains(v)) _exports.Add(v); }
            if (v.StartsWith("p-") && !_promises.Contains(v) && !_decided.Contains(v)) { _promises.Add(v); s.Subscribe(v); }
        }
    }
    private VCapData Data(IVatSyscalls s, bool allowPromise)
    {
        var slots = new List<string>();
        var n = _r.Next(3);
        for (var i = 0; i < n; i++)
        {
            var c = _r.Next(4);
            if (c == 0 || _objs.Count == 0) { var o = Next(s, 'o'); _objs.Add(o); _exports.Add(o); slots.Add(o); }
            else if (c == 1 && allowPromise && _promises.Count > 0) slots.Add(Pick(_promises));
            else if (c == 2 && allowPromise) { var p = Next(s, 'p'); _decided.Add(p); slots.Add(p); }
            else slots.Add(Pick(_objs));
        }
        var body = SmallCaps.Encode(slots.Select((v, i) => (object?)new SlotRef(i, v[0] == 'p', v[0] == 'p' ? null : "x")).ToList());
        return new VCapData(body, [.. slots]);
    }
    public void Deliver(VatDelivery d, IVatSyscalls s)
    {
        switch (d)
        {
            case StartVatDelivery sv:
                if (FailStart) throw new InvalidOperationException("broken");
                Learn(sv.VatParameters.Slots, s);
                return;
            case MessageDelivery m:
                Learn(m.Methargs.Slots, s);
                if (m.Target.StartsWith("p")) { } // pipelined
                if (m.Result is { } res && !_decided.Contains(res)) { _promises.Remove(res); _decided.Add(res); }
                break;
            case NotifyDelivery n:
                var retired = n.Resolutions.Select(r => r.Vpid).ToHashSet();
                foreach (var r in n.Resolutions) { _promises.Remove(r.Vpid); _decided.Remove(r.Vpid); }
                foreach (var r in n.Resolutions) Learn(r.Data.Slots, s, retired);
                break;
            case DropExportsDelivery de:
                foreach (var v in de.Vrefs) { _exports.Remove(v); _objs.Remove(v); }
                return;
            case RetireExportsDelivery re:
                foreach (var v in re.Vrefs) { _exports.Remove(v); _objs.Remove(v); }
                return;
            case RetireImportsDelivery ri:
                foreach (var v in ri.Vrefs) _objs.Remove(v);
                return;
            default: return;
        }
        var actions = 1 + _r.Next(3);
        for (var a = 0; a < actions; a++)
        {
            var op = _r.Next(100);
            if (op < 35 && (_objs.Count > 0 || _promises.Count > 0))
            {
                var target = (_promises.Count > 0 && _r.Next(3) == 0) ? Pick(_promises) : (_objs.Count > 0 ? Pick(_objs) : Pick(_promises));
                var args = Data(s, true);
                var body = SmallCaps.Methargs("go", args.Slots.Select((v, i) => (object?)new SlotRef(i, v[0] == 'p', v[0] == 'p' ? null : "x")).ToArray());
                string? result = null;
                if (_r.Next(3) > 0) { result = Next(s, 'p'); _promises.Add(result); }
                s.Send(target, new VCapData(body, args.Slots), result);
                if (result is not null) s.Subscribe(result);
            }
            else if (op < 65 && _decided.Count > 0)
            {
                var p = Pick(_decided);
                _decided.Remove(p);
                var rej = _r.Next(4) == 0;
                var data = rej ? VCapData.Of(SmallCaps.Error("nope")) : Data(s, true);
                if (!rej && data.Slots.Length == 1 && data.Slots[0][0] == 'p') data = VCapData.Of(SmallCaps.Encode("v"));
                // data may name p itself; avoid
                if (data.Slots.Contains(p)) data = VCapData.Of(SmallCaps.Encode("v"));
                s.Resolve(p, rej, data);
            }
            else if (op < 72)
            {
                var imp = _objs.Where(v => v.StartsWith("o-")).ToList();
                if (imp.Count > 0) { var v = Pick(imp); _objs.Remove(v); s.DropImports([v]); if (_r.Next(2) == 0) s.RetireImports([v]); }
            }
            else if (op < 76 && _exports.Count > 0)
            {
                var v = Pick(_exports); _exports.Remove(v); _objs.Remove(v); s.AbandonExports([v]);
            }
            else if (op < 78) { s.VatstoreSet("k" + _r.Next(5), "v"); }
            else if (op < 79) { throw new InvalidOperationException("boom"); }
            else if (op < 80 && _promises.Count > 0) { s.Resolve(Pick(_promises), false, VCapData.Of(SmallCaps.Encode(1))); } // illegal unless decided
            else if (op < 81) { s.Exit(_r.Next(2) == 0, VCapData.Of(SmallCaps.Encode("bye"))); return; }
            else if (op < 85 && _decided.Count > 0) { s.Subscribe(Pick(_decided)); }
        }
    }
}


/// <summary>
/// Randomized kernel runs: three vats of <see cref="ChaosVat"/>, a host that queues messages, creates, upgrades
/// (some failing) and terminates vats and releases promises, and the full audit after every single crank.
/// </summary>
public sealed class RandomizedInvariantTests
{
    private static async Task<SortedDictionary<string, string>> Run(int seed, int steps, bool auditEveryCrank, bool checkBlockDeltas = false)
    {
        var committed = new ActorSwingSet.Schema.KvState();
        var bundles = new VatBundleRegistry();
        var counter = seed * 1000;
        bundles.Register("chaos", () => new ChaosVat(Interlocked.Increment(ref counter)));
        bundles.Register("chaos-broken", () => new ChaosVat(Interlocked.Increment(ref counter)) { FailStart = true });
        var vats = new[] { new StaticVatConfig("A", "chaos"), new StaticVatConfig("B", "chaos"), new StaticVatConfig("C", "chaos") };
        var k = new KernelCore(new InProcessVatPort(bundles), new KernelOptions(bundles, 3));
        k.Initialize(vats);
        var rng = new Random(seed);
        var held = new List<Kref>();
        for (var step = 0; step < steps; step++)
        {
            var live = k.Keeper.Vats.Where(v => v.Alive).OrderBy(v => v.VatId, StringComparer.Ordinal).ToList();
            // vats die often here (throws, exits, illegal syscalls): keep the population up
            if (live.Count < 3) held.Add(k.QueueCreateVat("chaos", null, rng.Next(2) == 0).Result);
            if (live.Count == 0)
            {
                await k.RunAsync();
                continue;
            }
            var op = rng.Next(100);
            try
            {
                if (op < 30)
                {
                    var slots = new List<Kref> { live[rng.Next(live.Count)].Root };
                    if (held.Count > 0 && rng.Next(2) == 0 && k.Keeper.PromiseExists(held[rng.Next(held.Count)])) slots.Add(held[rng.Next(held.Count)]);
                    slots.RemoveAll(s => !(s.IsPromise ? k.Keeper.PromiseExists(s) : k.Keeper.ObjectExists(s)));
                    var body = SmallCaps.Methargs("go", [.. slots.Select((s, i) => (object?)new SlotRef(i, s.IsPromise, s.IsPromise ? null : "x"))]);
                    var target = held.Count > 0 && rng.Next(4) == 0 ? held[rng.Next(held.Count)] : live[rng.Next(live.Count)].Root;
                    held.Add(k.QueueToKref(target, KCapData.Of(body, [.. slots])));
                }
                else if (op < 34) held.Add(k.QueueUpgradeVat(live[rng.Next(live.Count)].VatId, rng.Next(4) == 0 ? "chaos-broken" : "chaos", null, "up" + step));
                else if (op < 36) held.Add(k.QueueCreateVat("chaos", null, rng.Next(2) == 0).Result);
                else if (op < 37 && live.Count > 2) held.Add(k.QueueTerminateVat(live[rng.Next(live.Count)].VatId, rng.Next(2) == 0, KCapData.Of(SmallCaps.Encode("die"))));
                else if (op < 50 && held.Count > 0)
                {
                    var i = rng.Next(held.Count);
                    k.ReleasePromise(held[i]);
                    held.RemoveAt(i);
                }
            }
            catch (ArgumentException)
            {
                // the host asked for something that no longer exists: refused, nothing changed
            }
            for (var c = 0; c < 1 + rng.Next(6) && await k.StepAsync(); c++)
            {
                if (!auditEveryCrank) continue;
                var report = KernelAudit.Run(await k.DumpAsync());
                Assert.True(report.IsClean, $"seed {seed}, step {step}, crank {k.Keeper.CrankNumber}: {report}");
            }
            if (checkBlockDeltas && rng.Next(3) == 0)
            {
                // a block boundary: the last committed state plus this block's writes is the current state
                committed.Apply((await k.TakeBlockDeltaAsync()).Writes);
                var diff = KernelStateDump.Diff(committed.ToSorted(), await k.DumpAsync());
                Assert.True(diff.Count == 0, $"seed {seed}, step {step}: block delta differs from the dump:\n" + string.Join("\n", diff.Take(20)));
            }
        }
        await k.RunAsync();
        var final = await k.DumpAsync();
        Assert.True(KernelAudit.Run(final).IsClean, KernelAudit.Run(final).ToString());
        return final;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public async Task Every_crank_of_a_random_run_keeps_the_invariants(int seed)
    {
        var final = await Run(seed, 400, auditEveryCrank: true);
        // the run really exercised the kernel
        using var stats = System.Text.Json.JsonDocument.Parse(final["kernelStats"]);
        long Stat(string name) => stats.RootElement.GetProperty(name).GetInt64();
        Assert.True(long.Parse(final["crankNumber"], CultureInfo.InvariantCulture) > 500, final["crankNumber"]);
        Assert.True(Stat("UpgradesSucceeded") + Stat("UpgradesFailed") > 0, "no upgrade");
        Assert.True(Stat("VatsTerminated") > 0, "no termination");
        Assert.True(Stat("DeliverNotify") > 20, $"{Stat("DeliverNotify")} notifies");
        Assert.True(Stat("PromisesDeleted") > 50, $"{Stat("PromisesDeleted")} promises deleted");
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    public async Task Block_deltas_applied_to_the_committed_state_give_exactly_the_current_state(int seed) =>
        await Run(seed, 400, auditEveryCrank: false, checkBlockDeltas: true);

    [Fact]
    public async Task A_random_run_repeated_gives_the_same_state_byte_for_byte()
    {
        var first = await Run(42, 300, auditEveryCrank: false);
        var second = await Run(42, 300, auditEveryCrank: false);
        Assert.Empty(KernelStateDump.Diff(first, second));
    }
}
