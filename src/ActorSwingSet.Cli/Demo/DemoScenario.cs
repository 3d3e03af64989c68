using System.Globalization;

namespace ActorSwingSet.Cli.Demo;

/// <summary>The kernel is not one the demo can run on: not the demo's, or its ring is broken. Nothing was changed.</summary>
public sealed class DemoKernelException(string message) : Exception(message);

/// <summary>What the demo did and found.</summary>
/// <param name="Stats">The kernel's counters at the end.</param>
/// <param name="Audit">The audit of the final state.</param>
/// <param name="Dump">The final state in SwingSet's kvStore schema.</param>
/// <param name="Upgrades">The vats the round upgraded.</param>
/// <param name="Elapsed">Wall time of this run (reported only; nothing depends on it).</param>
/// <param name="Continued">The kernel held the demo already: this run finished a round a killed run began, or ran another round.</param>
/// <param name="CranksThisRun">Cranks this process ran.</param>
/// <param name="Round">The round this run completed (1 for the first).</param>
/// <param name="Resumed">This run finished a round that an earlier run began and did not finish (it was killed).</param>
public sealed record DemoResult(KernelStats Stats, AuditReport Audit, IReadOnlyDictionary<string, string> Dump, int Upgrades, TimeSpan Elapsed,
    bool Continued, long CranksThisRun, long Round, bool Resumed);

/// <summary>
/// The built-in scenario: a ring of vats relaying messages whose result promises chain back, then several
/// upgrades of vats that hold every promise shape the upgrade rule cares about, then a final audit.
/// Deterministic: the same options give byte-identical dumps.
/// </summary>
/// <remarks>
/// <para>
/// One run is one <b>round</b>: a list of steps (link the ring, on the first round only; relay; prepare each vat to
/// upgrade; upgrade; withdraw the offers), each a batch of host operations followed by a run to quiescence. The
/// round's plan and its progress live in the kernel, in node0's vatstore (<c>demo.*</c> keys): each step's batch
/// ends with a <c>recordProgress</c> message to node0 carrying the plan and the step's index, and a last record
/// after the last step says the round is finished. Host operations run between cranks and a block is committed only
/// between cranks, so a step's messages and its progress record are in the same block or neither is.
/// </para>
/// <para>
/// A run first reads node0's vatstore as the last block left it: if the round's last record is there, an earlier run
/// finished that round and this run begins the next one, with its own options. Otherwise it runs to quiescence
/// (finishing whatever that block left queued, progress records included), reads the record again and goes on with
/// the recorded round's next step and plan, and stops once that round is finished. A killed run and its restart
/// together therefore reach exactly the state of one uninterrupted run (the same kvStore dump), and the number of
/// finished rounds equals the number of runs that finished. (A run killed after the block holding its round's last
/// record left the state a finished run leaves, so it counts as finished.)
/// </para>
/// <para>
/// The host holds no reference across a commit: it lets go of each result promise as soon as it has queued the
/// message (before any crank, so before any block), which also means a killed run leaves no host reference
/// behind. The vats settle and collect those promises themselves.
/// </para>
/// </remarks>
public static class DemoScenario
{
    private const string ProgressPrefix = "demo.";

    /// <summary>The demo's vat bundles: <c>demo-v1</c> and its upgrade <c>demo-v2</c>.</summary>
    public static VatBundleRegistry Bundles() => new VatBundleRegistry()
        .Register("demo-v1", () => new DemoVat(1))
        .Register("demo-v2", () => new DemoVat(2));

    /// <summary>
    /// Runs one round of the scenario on the ring of vats the kernel holds (<see cref="Config"/> gives a new kernel
    /// its ring). On a new kernel it links the ring first; on one whose last round a killed run left unfinished it
    /// finishes that round, with that round's plan; otherwise it runs another round (more relays, and another
    /// upgrade of the same vats) with <paramref name="hops"/> and <paramref name="upgrades"/>.
    /// </summary>
    public static async Task<DemoResult> RunAsync(SwingSetController c, int hops, int upgrades, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(c);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var before = await c.GetStatsAsync();
        // a kernel that is not the demo's, or whose ring is broken, is refused before anything runs
        var names = await RingAsync(c, before);
        var node0 = names[0];
        // what the committed state says, before this process runs anything: a round recorded as finished here
        // was finished by an earlier run
        var committed = before.CrankNumber == 0 ? null : await ReadProgressAsync(c, node0);
        // startVat for every static vat, or what the last block of a killed run left queued
        var leftQueued = await c.RunAsync();
        var vats = names.Length;
        // ... and once that has run, the last step done (a new kernel's startVats record nothing)
        var stored = leftQueued == 0 || before.CrankNumber == 0 ? committed : await ReadProgressAsync(c, node0);

        Plan plan;
        var first = 0;
        var resumed = false;
        if (stored is null)
        {
            plan = new Plan(1, hops, upgrades);
            progress?.Report($"setting up a ring of {vats} vats");
        }
        else if (committed is { Finished: true })
        {
            plan = new Plan(stored.Plan.Round + 1, hops, upgrades);
            progress?.Report($"continuing a stored kernel of {vats} vats from crank {before.CrankNumber}: round {plan.Round}");
        }
        else
        {
            // a killed run's round, with its plan; its last record may have been delivered just now
            (plan, first, resumed) = (stored.Plan, stored.Step + 1, true);
            var count = Steps(plan, names).Count;
            progress?.Report($"resuming round {plan.Round} ({plan.Hops} hops, {plan.Upgrades} upgrades), which a previous run left at crank {before.CrankNumber}:"
                + $" ran the cranks it had left queued ({leftQueued}); {Math.Max(0, count - first)} of its {count} steps left");
        }

        var steps = Steps(plan, names);
        for (var k = first; k <= steps.Count; k++)
        {
            // each step's messages and its progress record are queued together, so they are in the same block; the
            // last record (k = the number of steps) says the round is finished
            if (k < steps.Count)
            {
                progress?.Report(steps[k].Description);
                await steps[k].Queue(c);
            }
            else
            {
                progress?.Report($"recording round {plan.Round} as finished");
            }
            await SendAsync(c, node0, HostValues.Methargs("recordProgress", plan.Round, (long)plan.Hops, (long)plan.Upgrades, (long)k, (long)steps.Count));
            await c.RunAsync();
        }

        var stats = await c.GetStatsAsync();
        var dump = await c.DumpAsync();
        var audit = KernelAudit.Run(dump);
        return new DemoResult(stats, audit, dump, Upgraded(plan, names).Length, clock.Elapsed, stored is not null, stats.CrankNumber - before.CrankNumber,
            plan.Round, resumed);
    }

    /// <summary>
    /// The ring: every vat of the kernel, named <c>node0000</c> onwards, alive and running the demo's code. Throws
    /// <see cref="DemoKernelException"/> when a vat was terminated or the kernel's vats are not the demo's.
    /// </summary>
    private static async Task<string[]> RingAsync(SwingSetController c, KernelStats stats)
    {
        var all = stats.LiveVats + stats.TerminatedVats;
        if (stats.TerminatedVats > 0)
            throw new DemoKernelException($"the demo's ring in this kernel is broken: {stats.TerminatedVats}"
                + $" of its {all} vats {(stats.TerminatedVats == 1 ? "was" : "were")} terminated");
        if (all < 2) throw new DemoKernelException($"this kernel is not the demo's: it has {all} vat{(all == 1 ? "" : "s")}, the demo's ring at least 2");
        var names = new string[all];
        for (var i = 0; i < all; i++)
        {
            names[i] = Name(i);
            VatInfo info;
            try
            {
                info = await c.GetVatInfoAsync(names[i]);
            }
            catch (ArgumentException)
            {
                throw new DemoKernelException($"this kernel is not the demo's: it has no vat named {names[i]}");
            }
            if (info.BundleName is not ("demo-v1" or "demo-v2"))
                throw new DemoKernelException($"this kernel is not the demo's: vat {names[i]} ({info.VatId}) runs bundle '{info.BundleName}'");
        }
        return names;
    }

    /// <summary>A round's plan: its number and its sizes. The ring's size is the kernel's.</summary>
    private sealed record Plan(long Round, int Hops, int Upgrades);

    /// <summary>What node0's vatstore says: the plan of the last round begun, and its last step done (<c>Steps</c>: the round is finished).</summary>
    private sealed record Progress(Plan Plan, int Step, int Steps)
    {
        public bool Finished => Step == Steps;
    }

    private sealed record Step(string Description, Func<SwingSetController, Task> Queue);

    /// <summary>Reads the progress record from node0's vatstore (in the dump: nothing changes); null before the first round.</summary>
    private static async Task<Progress?> ReadProgressAsync(SwingSetController c, string node0)
    {
        var prefix = (await c.GetVatInfoAsync(node0)).VatId + ".vs." + ProgressPrefix;
        var dump = await c.DumpAsync();
        if (!dump.TryGetValue(prefix + "round", out var round)) return null;
        int Int(string key) => int.Parse(dump[prefix + key], CultureInfo.InvariantCulture);
        return new Progress(new Plan(long.Parse(round, CultureInfo.InvariantCulture), Int("hops"), Int("upgrades")), Int("step"), Int("steps"));
    }

    /// <summary>The steps of a round, in order: a function of the plan and the ring alone, so every process derives the same list.</summary>
    private static List<Step> Steps(Plan plan, string[] names)
    {
        var vats = names.Length;
        var steps = new List<Step>();
        if (plan.Round == 1)
        {
            steps.Add(new Step($"linking {vats} vats into a ring", async c =>
            {
                var roots = new Kref[vats];
                for (var i = 0; i < vats; i++) roots[i] = (await c.GetVatInfoAsync(names[i])).Root;
                for (var i = 0; i < vats; i++)
                    await SendAsync(c, names[i], KCapData.Of(SmallCaps.Methargs("link", new SlotRef(0, false, "vat")), roots[(i + 1) % vats]));
            }));
        }
        steps.Add(new Step($"relaying {vats} messages {plan.Hops} hops each", async c =>
        {
            foreach (var name in names) await SendAsync(c, name, HostValues.Methargs("relay", (long)plan.Hops));
        }));
        var upgraded = Upgraded(plan, names);
        foreach (var name in upgraded)
        {
            var previous = Previous(names, name);
            steps.Add(new Step($"preparing {name} for upgrade: promises it decides, watches and is offered", async c =>
            {
                await SendAsync(c, name, HostValues.Methargs("hang"));          // an unresolved promise it decides
                await SendAsync(c, name, HostValues.Methargs("selfWatch"));     // a self-subscribed promise
                await SendAsync(c, previous, HostValues.Methargs("offer"));     // the previous vat decides a promise `name` holds
            }));
            steps.Add(new Step($"preparing {name} for upgrade: a promise it decides queued on the one it holds", c =>
                SendAsync(c, name, HostValues.Methargs("sendToHeld"))));
        }
        steps.Add(new Step($"upgrading {upgraded.Length} vats", async c =>
        {
            foreach (var name in upgraded)
                await c.ReleasePromiseAsync(await c.UpgradeVatAsync(name, "demo-v2", upgradeMessage: $"demo upgrade of {name}"));
        }));
        steps.Add(new Step("withdrawing the offers", async c =>
        {
            foreach (var name in upgraded) await SendAsync(c, Previous(names, name), HostValues.Methargs("settleOffered"));
        }));
        return steps;
    }

    /// <summary>Queues a message and lets go of its result at once: the vats settle it, and no block holds it for the host.</summary>
    private static async Task SendAsync(SwingSetController c, string vat, KCapData methargs) =>
        await c.ReleasePromiseAsync(await c.QueueToVatRootAsync(vat, methargs));

    private static string[] Upgraded(Plan plan, string[] names)
    {
        var vats = names.Length;
        return [.. Enumerable.Range(0, Math.Min(plan.Upgrades, vats)).Select(i => names[i * Math.Max(1, vats / Math.Max(1, plan.Upgrades)) % vats]).Distinct()];
    }

    private static string Previous(string[] names, string name) => names[(Array.IndexOf(names, name) + names.Length - 1) % names.Length];

    /// <summary>The name of the ring's vat number <paramref name="i"/>: <c>node0000</c>, <c>node0001</c>, ...</summary>
    public static string Name(int i) => "node" + i.ToString("D4", CultureInfo.InvariantCulture);

    /// <summary>A new kernel with a ring of <paramref name="vats"/> static demo vats (a stored kernel keeps the ring it has).</summary>
    public static KernelConfig Config(int vats) => new()
    {
        Bundles = Bundles(),
        Vats = [.. Enumerable.Range(0, vats).Select(i => new StaticVatConfig(Name(i), "demo-v1"))],
        ReapInterval = 0,
    };
}
