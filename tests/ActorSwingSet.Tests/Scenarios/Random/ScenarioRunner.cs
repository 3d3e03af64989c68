using System.Diagnostics;
using ActorSwingSet.Kernel;
using ActorSwingSet.Persistence;
using ActorSwingSet.Schema;
using CsCheck;

namespace ActorSwingSet.Tests.Scenarios.Random;

/// <summary>A kernel a scenario drives: in-process, or behind a controller with a journal.</summary>
public interface IScenarioKernel : IAsyncDisposable
{
    /// <summary>Runs one crank; false when there was nothing to do.</summary>
    Task<bool> StepAsync();
    /// <summary>The state in kvStore form.</summary>
    Task<SortedDictionary<string, string>> DumpAsync();
    /// <summary>Queues a message; bad input throws <see cref="ArgumentException"/>.</summary>
    Task<Kref> QueueToKrefAsync(Kref target, KCapData methargs);
    /// <summary>Queues a vat's creation.</summary>
    Task<(string VatId, Kref Result)> CreateVatAsync(string bundle, KCapData? parameters, bool pipelining);
    /// <summary>Queues an upgrade.</summary>
    Task<Kref> UpgradeVatAsync(string vatId, string bundle, KCapData? parameters);
    /// <summary>Queues a termination.</summary>
    Task<Kref> TerminateVatAsync(string vatId, bool failure);
    /// <summary>Releases a host-held promise.</summary>
    Task ReleaseAsync(Kref kpid);
    /// <summary>A vat by name or ID.</summary>
    Task<VatInfo> VatAsync(string nameOrId);
    /// <summary>Commits a block.</summary>
    Task CommitAsync();
    /// <summary>Commits, stops the kernel and starts a new one from the stored state.</summary>
    Task RestartAsync();
    /// <summary>Whether a restart rebuilds vat workers by replaying their transcripts, so what vats await in memory survives it.</summary>
    bool RestartReplaysTranscripts => false;
}

/// <summary>A scenario broke an invariant, or its runs with and without a restart ended differently.</summary>
public sealed class ScenarioFailedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The crank engine without an ActorSystem; a restart rebuilds it from the blocks it committed. With
/// <c>maxVatsOnline</c> small, most deliveries find their vat's worker evicted and rebuild it by replay; with
/// <c>loadOnDemand</c>, vat hosts are loaded from the committed state when needed and let go after each block.
/// </summary>
internal sealed class InProcessScenarioKernel : IScenarioKernel
{
    private readonly KernelOptions _options;
    private readonly KvState _committed = new();
    private readonly MemoryTranscriptStore _transcripts = new();
    private readonly int _maxVatsOnline;
    private readonly bool _loadOnDemand;
    private InProcessVatPort _port;
    private KernelCore _k;

    public InProcessScenarioKernel(KernelConfig config, int maxVatsOnline = int.MaxValue, bool loadOnDemand = false)
    {
        _options = new KernelOptions(config.Bundles, config.ReapInterval ?? 0);
        _maxVatsOnline = maxVatsOnline;
        _loadOnDemand = loadOnDemand;
        _port = NewPort();
        _k = new KernelCore(_port, _options);
        _k.Initialize(SwingSetKernels.WithSystemVats(config).StaticVats());
    }

    public Task<bool> StepAsync() => _k.StepAsync();
    public Task<SortedDictionary<string, string>> DumpAsync() => _k.DumpAsync();
    public Task<Kref> QueueToKrefAsync(Kref target, KCapData methargs) => Task.FromResult(_k.QueueToKref(target, methargs));
    public Task<(string VatId, Kref Result)> CreateVatAsync(string bundle, KCapData? parameters, bool pipelining)
        => Task.FromResult(_k.QueueCreateVat(bundle, parameters, pipelining));
    public Task<Kref> UpgradeVatAsync(string vatId, string bundle, KCapData? parameters) => Task.FromResult(_k.QueueUpgradeVat(vatId, bundle, parameters, "upgraded by the host"));
    public Task<Kref> TerminateVatAsync(string vatId, bool failure) => Task.FromResult(_k.QueueTerminateVat(vatId, failure, ScenarioRunner.TerminationReason));

    public Task ReleaseAsync(Kref kpid)
    {
        _k.ReleasePromise(kpid);
        return Task.CompletedTask;
    }

    public Task<VatInfo> VatAsync(string nameOrId) => Task.FromResult(_k.GetVatInfo(nameOrId));
    public async Task CommitAsync()
    {
        var (writes, transcript) = await _k.TakeBlockDeltaAsync();
        _committed.Apply(writes);
        _transcripts.ApplyBlock(_transcripts.AppliedBlock + 1, transcript, TranscriptStores.DeletedVats(writes));
        _port.BlockStored();
    }

    private InProcessVatPort NewPort() => new(_options.Bundles, _transcripts, _maxVatsOnline, _loadOnDemand ? _committed : null);

    public async Task RestartAsync()
    {
        await CommitAsync();
        _port = NewPort();
        _k = KernelCore.Restore(_port, _options, _committed.ToDictionary());
    }

    public bool RestartReplaysTranscripts => true;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>What a run of a scenario ended with.</summary>
public sealed record ScenarioOutcome(SortedDictionary<string, string> Dump, long Cranks);

/// <summary>
/// Runs scenarios: once without a restart, auditing after every crank, and once with a restart at the scenario's
/// restart point (the restored state must equal the state before it, and pass the audit); both runs must end with
/// byte-identical kv dumps.
/// </summary>
public static class ScenarioRunner
{
    /// <summary>The reason the host gives when it terminates a vat.</summary>
    public static readonly KCapData TerminationReason = KCapData.Of(SmallCaps.Error("terminated by the host"));

    private const int QuiescenceLimit = 20_000;

    /// <summary>The kernel a scenario runs on: its static vats run <see cref="ScriptedVat"/>.</summary>
    public static KernelConfig Config(Scenario scenario)
    {
        var bundles = new VatBundleRegistry();
        bundles.Register("scripted", () => new ScriptedVat());
        bundles.Register("scripted-v2", () => new ScriptedVat());
        bundles.Register("scripted-broken", () => new ScriptedVat { BrokenStart = true });
        return new KernelConfig
        {
            Bundles = bundles,
            Vats = [.. scenario.StaticPipelining.Select((p, i) => new StaticVatConfig(((char)('A' + i)).ToString(), "scripted", EnablePipelining: p))],
            ReapInterval = scenario.ReapInterval,
            EnableVatAdmin = scenario.VatAdmin,
        };
    }

    /// <summary>Runs the scenario with and without its restart; returns the run without, whose final dump both ended with.</summary>
    public static async Task<ScenarioOutcome> CheckAsync(Scenario scenario, Func<KernelConfig, Task<IScenarioKernel>> start)
    {
        var plain = await RunAsync(scenario, start, restart: false, auditEveryCrank: true);
        var restarted = await RunAsync(scenario, start, restart: true, auditEveryCrank: false);
        var diff = KernelStateDump.Diff(plain.Dump, restarted.Dump);
        if (diff.Count > 0)
            throw new ScenarioFailedException($"the run with a restart before step {scenario.RestartAt} ended with another state than the run without:\n  "
                + string.Join("\n  ", diff.Take(20)));
        return plain;
    }

    /// <summary>
    /// Runs the scenario (with and without its restart) on in-process kernels with every vat online and with one
    /// (and vat hosts loaded on demand): eviction and replay are invisible, so all end in the same state, byte for byte.
    /// </summary>
    public static async Task<ScenarioOutcome> CheckEvictingAsync(Scenario scenario)
    {
        var all = await CheckAsync(scenario, c => Task.FromResult<IScenarioKernel>(new InProcessScenarioKernel(c)));
        var one = await CheckAsync(scenario, c => Task.FromResult<IScenarioKernel>(new InProcessScenarioKernel(c, maxVatsOnline: 1, loadOnDemand: true)));
        var diff = KernelStateDump.Diff(all.Dump, one.Dump);
        if (diff.Count > 0)
            throw new ScenarioFailedException("the run with one vat online ended with another state than the run with every vat online:\n  "
                + string.Join("\n  ", diff.Take(20)));
        return all;
    }

    /// <summary>One run of <paramref name="scenario"/>; <paramref name="trace"/> hears what the kernel refused.</summary>
    public static async Task<ScenarioOutcome> RunAsync(Scenario scenario, Func<KernelConfig, Task<IScenarioKernel>> start, bool restart,
        bool auditEveryCrank, Action<string>? trace = null)
    {
        var run = restart ? "run with restart" : "run without restart";
        await using var k = await start(Config(scenario));
        var vats = new List<string>();
        for (var i = 0; i < scenario.StaticPipelining.Length; i++) vats.Add((await k.VatAsync(((char)('A' + i)).ToString())).VatId);
        var held = new List<Kref>();
        long cranks = 0;
        var where = "";

        async Task Audit(string when)
        {
            var report = KernelAudit.Run(await k.DumpAsync());
            if (!report.IsClean) throw new ScenarioFailedException($"{run}: the audit {when} fails: {report}");
        }

        async Task<bool> Crank()
        {
            if (!await k.StepAsync()) return false;
            cranks++;
            if (auditEveryCrank) await Audit($"after crank {cranks} ({where})");
            return true;
        }

        async Task Quiesce()
        {
            for (var n = 0; await Crank(); n++)
                if (n > QuiescenceLimit) throw new ScenarioFailedException($"{run}: still running after {QuiescenceLimit} cranks ({where})");
        }

        // the host remembers each root it sees while the vat lives: what the kernel says about a dead vat's root is
        // not kept across a restart (the stored tombstone has no root), so it must not steer the host
        var roots = new Dictionary<string, Kref>(StringComparer.Ordinal);
        async Task<Kref> Root(int vat)
        {
            var vatId = vats[vat % vats.Count];
            if (roots.TryGetValue(vatId, out var root)) return root;
            var info = await k.VatAsync(vatId);
            if (!info.Alive) throw new ArgumentException($"{vatId} died before the host learned its root");
            return roots[vatId] = info.Root;
        }

        for (var i = 0; i <= scenario.Steps.Length; i++)
        {
            try
            {
                if (i == scenario.RestartAt)
                {
                    where = $"at the restart point, before step {i}";
                    // the vat-admin vat (liveslots) awaits the kernel's answers in memory, which a restart keeps only
                    // where it replays transcripts: elsewhere, both runs reach the restart point quiescent
                    if (scenario.VatAdmin && !k.RestartReplaysTranscripts) await Quiesce();
                    // a restarted host no longer holds what the previous one did: both runs let go here
                    foreach (var h in held) await k.ReleaseAsync(h);
                    held.Clear();
                    if (restart)
                    {
                        var before = await k.DumpAsync();
                        await k.RestartAsync();
                        var after = await k.DumpAsync();
                        var diff = KernelStateDump.Diff(before, after);
                        if (diff.Count > 0)
                            throw new ScenarioFailedException($"{run}: the restored state differs from the state before the restart (before step {i}):\n  "
                                + string.Join("\n  ", diff.Take(20)));
                        await Audit($"of the restored state (before step {i})");
                    }
                }
                if (i == scenario.Steps.Length) break;
                where = $"step {i}";
                await Perform(scenario.Steps[i]);
            }
            catch (ScenarioFailedException)
            {
                throw;
            }
            catch (Exception e)
            {
                throw new ScenarioFailedException($"{run}, {where}: {e.GetType().Name}: {e.Message}", e);
            }
        }

        where = "after the last step";
        await Quiesce();
        foreach (var h in held) await k.ReleaseAsync(h);
        held.Clear();
        where = "after releasing every held promise";
        await Quiesce();
        await Audit("at the end");
        return new ScenarioOutcome(await k.DumpAsync(), cranks);

        async Task Perform(Step step)
        {
            try
            {
                switch (step)
                {
                    case HostSend send:
                        {
                            var target = send.ToHeld && held.Count > 0 ? held[send.Target % held.Count] : await Root(send.Target);
                            var slots = new List<Kref>();
                            foreach (var v in send.ArgVats)
                                if (v >= 0) slots.Add(await Root(v));
                                else if (scenario.VatAdmin) slots.Add((await k.VatAsync("vatAdmin")).Root);
                            if (held.Count > 0) foreach (var h in send.ArgHeld) slots.Add(held[h % held.Count]);
                            var methargs = ScriptedVat.Methargs(send.Body, slots.Count, n => slots[n].IsPromise);
                            held.Add(await k.QueueToKrefAsync(target, new KCapData(methargs, [.. slots])));
                            break;
                        }
                    case RunCranks r:
                        for (var n = 0; n < r.Cranks && await Crank(); n++) { }
                        break;
                    case Release r when held.Count > 0:
                        var released = held[r.Held % held.Count];
                        held.Remove(released);
                        await k.ReleaseAsync(released);
                        break;
                    case Upgrade u:
                        held.Add(await k.UpgradeVatAsync(vats[u.Vat % vats.Count], u.Fails ? "scripted-broken" : "scripted-v2", await Parameters(u.ParamVat)));
                        break;
                    case Terminate t:
                        held.Add(await k.TerminateVatAsync(vats[t.Vat % vats.Count], t.Failure));
                        break;
                    case Create c:
                        var (vatId, result) = await k.CreateVatAsync("scripted", await Parameters(c.ParamVat), c.Pipelining);
                        vats.Add(vatId);
                        held.Add(result);
                        break;
                    case Commit:
                        await k.CommitAsync();
                        break;
                }
            }
            catch (ArgumentException e)
            {
                trace?.Invoke($"{run}, {where}: refused: {e.Message}");
                // the host named something that no longer exists (a dead vat, a collected root): refused, nothing changed
            }
        }

        async Task<KCapData?> Parameters(int? vat) =>
            vat is { } v ? KCapData.Of(SmallCaps.Encode(new Dictionary<string, object?> { ["peer"] = new SlotRef(0, false, "ref") }), await Root(v)) : null;
    }

    /// <summary>What an exploration did: scenarios checked, cranks of their runs without restart, and those runs' kernel counters, summed.</summary>
    public sealed record Exploration(long Scenarios, long Cranks, TimeSpan Elapsed, IReadOnlyDictionary<string, long> Stats);

    /// <summary>
    /// Checks <paramref name="iterations"/> scenarios drawn from <paramref name="seed"/>, in order, so a seed always
    /// gives the same scenarios. On the first failure, CsCheck shrinks it (<paramref name="shrinkIterations"/> more
    /// tries, from the failing scenario's own seed) and a <see cref="ScenarioFailedException"/> reports the smallest
    /// failing scenario as a list of steps, with the invariant it breaks and the seed that reproduces it.
    /// </summary>
    public static async Task<Exploration> ExploreAsync(Func<Scenario, Task<ScenarioOutcome>> check, string seed, long iterations, long shrinkIterations, int shrinkThreads = 1)
    {
        var clock = Stopwatch.StartNew();
        var pcg = PCG.Parse(seed);
        long cranks = 0;
        var stats = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (long i = 0; i < iterations; i++)
        {
            var state = pcg.State;
            var scenario = ScenarioGen.Scenarios.Generate(pcg, null, out _);
            try
            {
                var outcome = await check(scenario);
                cranks += outcome.Cranks;
                using var counters = System.Text.Json.JsonDocument.Parse(outcome.Dump["kernelStats"]);
                foreach (var c in counters.RootElement.EnumerateObject()) stats[c.Name] = stats.GetValueOrDefault(c.Name) + c.Value.GetInt64();
            }
            catch (Exception first)
            {
                var failingSeed = pcg.ToString(state);
                // CsCheck shrinks by trying other random scenarios no larger than the smallest failure so far; the
                // smallest failure it meets is then cut down step by step and operation by operation
                var smallest = (Scenario: scenario, Failure: first);
                var csCheckSummary = "";
                var gate = new Lock();
                try
                {
                    await ScenarioGen.Scenarios.SampleAsync(async s =>
                    {
                        try
                        {
                            await check(s);
                        }
                        catch (Exception e)
                        {
                            lock (gate) if (Size(s) < Size(smallest.Scenario)) smallest = (s, e);
                            throw;
                        }
                    }, seed: failingSeed, iter: shrinkIterations, threads: shrinkThreads, print: s => s.ToString());
                }
                catch (CsCheckException shrunk)
                {
                    csCheckSummary = shrunk.Message.Split('\n')[0];
                }
                var (minimal, failure) = await CutDownAsync(smallest.Scenario, smallest.Failure, check);
                throw new ScenarioFailedException(
                    $"scenario {i + 1} of {iterations} (CsCheck_Seed={failingSeed} replays it with CsCheck_Iter=1) fails. {csCheckSummary}\n" +
                    $"Smallest failing scenario found (size {Size(minimal)}, from {Size(scenario)}):\n{minimal}" +
                    $"It fails with: {failure.Message}", failure);
            }
        }
        return new Exploration(iterations, cranks, clock.Elapsed, stats);
    }

    /// <summary>How big a scenario is: its steps and every operation in their programs.</summary>
    public static int Size(Scenario s) => s.Steps.Length + s.StaticPipelining.Length + s.Steps.Sum(st => st is HostSend h ? Size(h.Body) : 0);

    private static int Size(IEnumerable<Op> ops) => ops.Sum(o => 1 + (o is Send send ? send.Args.Length + Size(send.Body) : o is Resolve r ? r.Data.Length : 0));

    /// <summary>
    /// Cuts a failing scenario down while it still fails: drops steps, static vats, operations (at every depth) and
    /// arguments, one at a time, until none can go. Returns the smallest scenario and its failure.
    /// </summary>
    public static async Task<(Scenario Scenario, Exception Failure)> CutDownAsync(Scenario scenario, Exception failure, Func<Scenario, Task<ScenarioOutcome>> check)
    {
        for (var progress = true; progress;)
        {
            progress = false;
            foreach (var candidate in Smaller(scenario))
            {
                try
                {
                    await check(candidate);
                }
                catch (Exception e)
                {
                    (scenario, failure, progress) = (candidate, e, true);
                    break;
                }
            }
        }
        return (scenario, failure);
    }

    private static IEnumerable<Scenario> Smaller(Scenario s)
    {
        for (var i = 0; i < s.Steps.Length; i++)
            yield return s with { Steps = [.. s.Steps[..i], .. s.Steps[(i + 1)..]], RestartAt = s.RestartAt > i ? s.RestartAt - 1 : s.RestartAt };
        if (s.StaticPipelining.Length > 2) yield return s with { StaticPipelining = s.StaticPipelining[..^1] };
        if (s.ReapInterval != 0) yield return s with { ReapInterval = 0 };
        if (s.VatAdmin) yield return s with { VatAdmin = false };
        for (var i = 0; i < s.Steps.Length; i++)
        {
            if (s.Steps[i] is not HostSend h) continue;
            foreach (var body in Smaller(h.Body))
                yield return s with { Steps = [.. s.Steps[..i], h with { Body = body }, .. s.Steps[(i + 1)..]] };
            for (var a = 0; a < h.ArgVats.Length; a++)
                yield return s with { Steps = [.. s.Steps[..i], h with { ArgVats = [.. h.ArgVats[..a], .. h.ArgVats[(a + 1)..]] }, .. s.Steps[(i + 1)..]] };
            for (var a = 0; a < h.ArgHeld.Length; a++)
                yield return s with { Steps = [.. s.Steps[..i], h with { ArgHeld = [.. h.ArgHeld[..a], .. h.ArgHeld[(a + 1)..]] }, .. s.Steps[(i + 1)..]] };
        }
    }

    /// <summary>Programs with one operation or argument fewer, at any depth.</summary>
    private static IEnumerable<Op[]> Smaller(Op[] ops)
    {
        for (var i = 0; i < ops.Length; i++)
            yield return [.. ops[..i], .. ops[(i + 1)..]];
        for (var i = 0; i < ops.Length; i++)
        {
            Op[] With(Op op) => [.. ops[..i], op, .. ops[(i + 1)..]];
            switch (ops[i])
            {
                case Send send:
                    foreach (var body in Smaller(send.Body)) yield return With(send with { Body = body });
                    for (var a = 0; a < send.Args.Length; a++) yield return With(send with { Args = [.. send.Args[..a], .. send.Args[(a + 1)..]] });
                    break;
                case Resolve r:
                    for (var a = 0; a < r.Data.Length; a++) yield return With(r with { Data = [.. r.Data[..a], .. r.Data[(a + 1)..]] });
                    break;
            }
        }
    }

    /// <summary>
    /// The seed and iteration count: <paramref name="defaultSeed"/> and <paramref name="defaultIterations"/>, unless
    /// the environment sets <c>CsCheck_Seed</c> or <c>CsCheck_Iter</c> (CsCheck's own names: a failure's seed, with
    /// <c>CsCheck_Iter=1</c>, replays exactly that scenario).
    /// </summary>
    public static (string Seed, long Iterations) Settings(string defaultSeed, long defaultIterations)
    {
        var seed = Environment.GetEnvironmentVariable("CsCheck_Seed");
        var iter = Environment.GetEnvironmentVariable("CsCheck_Iter");
        return (string.IsNullOrWhiteSpace(seed) ? defaultSeed : seed.Trim(),
            string.IsNullOrWhiteSpace(iter) ? defaultIterations : long.Parse(iter, System.Globalization.CultureInfo.InvariantCulture));
    }
}
