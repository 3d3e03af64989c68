using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Sql.Journal;
using Akka.Persistence.Sql.Snapshot;
using ActorSwingSet.Cli.Demo;
using ActorSwingSet.Vats;

namespace ActorSwingSet.CrashHost;

/// <summary>
/// The demo as <c>swingset demo --db</c> runs it, with a fault: the process kills itself (SIGKILL, no clean shutdown)
/// at a point fixed by <c>--fault KIND:N</c>, counted from this process's start:
/// <list type="bullet">
/// <item><c>commit-before:N</c> / <c>commit-after:N</c>: just before / just after the journal writes block N
/// (<c>commit-after</c> is also the point between a block's persist and the application of its transcript items to the
/// transcript tables, which the kernel's journal makes in its persist callback, after the write returns);</item>
/// <item><c>snapshot-before:N</c> / <c>snapshot-after:N</c>: just before / just after the N-th snapshot is saved;</item>
/// <item><c>delivery:NAME:N</c>: inside the N-th delivery named NAME to a demo vat (a crank in progress): a message's
/// method, <c>startVat@BUNDLE</c>, <c>notify</c>, <c>bringOutYourDead</c>, ...</item>
/// </list>
/// Each block write waits for the snapshots before it, and the process ends only once they are saved, so that where
/// a snapshot fault strikes is fixed too (Akka saves a snapshot asynchronously, possibly long after its block).
/// It prints <c>crash-host: killed at FAULT during: STEP</c> (STEP: the demo's step in progress) before dying, and
/// <c>crash-host: finished round R</c> when the demo ends. Usage:
/// <c>ActorSwingSet.CrashHost --db FILE --vats N --hops N --upgrades N --commit-every N --snapshot-every N [--fault F] [--dump FILE]</c>.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2) options[args[i]] = args[i + 1];
        int Int(string name) => int.Parse(options[name], CultureInfo.InvariantCulture);
        if (options.TryGetValue("--fault", out var fault)) Fault.Arm(fault);
        Fault.SnapshotEvery = Int("--snapshot-every");

        var config = ConfigurationFactory.ParseString($$"""
            akka.loglevel = WARNING
            actorswingset.persistence.snapshot-every-blocks = {{Int("--snapshot-every")}}
            akka.persistence.journal.sql.class = "{{typeof(FaultyJournal).AssemblyQualifiedName}}"
            akka.persistence.snapshot-store.sql.class = "{{typeof(FaultySnapshotStore).AssemblyQualifiedName}}"
            # a block write waits for the snapshots before it (below): no timeout may fail it meanwhile
            akka.persistence.journal.sql.circuit-breaker.call-timeout = 300s
            """).WithFallback(SqliteStorage.Config(options["--db"], Int("--commit-every")));
        using var system = ActorSystem.Create("crash-host", config);
        var bundles = new VatBundleRegistry();
        foreach (var (bundle, version) in new[] { ("demo-v1", 1), ("demo-v2", 2) })
            bundles.Register(bundle, () => new FaultyVat(new DemoVat(version), bundle));
        var controller = SwingSetController.Start(system, DemoScenario.Config(Int("--vats")) with { Bundles = bundles });
        var result = await DemoScenario.RunAsync(controller, Int("--hops"), Int("--upgrades"), Fault.Step);
        await controller.CommitAsync();
        await Fault.SnapshotsSettledAsync(Fault.Count("commit-after"));
        if (options.TryGetValue("--dump", out var dump))
        {
            await using var f = File.Create(dump);
            KernelStateDump.WriteJson(result.Dump, f);
        }
        Console.WriteLine($"crash-host: finished round {result.Round}: {result.Audit}");
        await system.Terminate();
        return result.Audit.IsClean ? 0 : 1;
    }
}

/// <summary>The armed fault, the demo's step in progress, and the kill itself.</summary>
internal static class Fault
{
    private static string _spec = "";
    private static string _kind = "";
    private static long _at;
    private static readonly Dictionary<string, long> Counts = new(StringComparer.Ordinal);

    /// <summary>The demo's progress: the step in progress, for the kill's report.</summary>
    public static StepTracker Step { get; } = new();

    public static void Arm(string spec)
    {
        var split = spec.LastIndexOf(':');
        (_spec, _kind, _at) = (spec, spec[..split], long.Parse(spec[(split + 1)..], CultureInfo.InvariantCulture));
    }

    /// <summary>Counts one occurrence of <paramref name="kind"/>; the armed one kills the process.</summary>
    public static void Reached(string kind)
    {
        long n;
        lock (Counts) Counts[kind] = n = Counts.GetValueOrDefault(kind) + 1;
        if (kind != _kind || n != _at) return;
        Console.WriteLine($"crash-host: killed at {_spec} during: {Step.Current}");
        Console.Out.Flush();
        Process.GetCurrentProcess().Kill();
        Environment.FailFast("the process outlived its own SIGKILL");
    }

    public static long Count(string kind)
    {
        lock (Counts) return Counts.GetValueOrDefault(kind);
    }

    /// <summary>Blocks per snapshot (the journal's <c>snapshot-every-blocks</c>).</summary>
    public static long SnapshotEvery { get; set; }

    private static readonly List<(long Count, TaskCompletionSource Done)> SnapshotWaiters = [];
    private static long _snapshotsSettled;

    /// <summary>A snapshot save ended (saved, or failed).</summary>
    public static void SnapshotSettled()
    {
        lock (SnapshotWaiters)
        {
            _snapshotsSettled++;
            foreach (var w in SnapshotWaiters.Where(w => w.Count <= _snapshotsSettled)) w.Done.TrySetResult();
            SnapshotWaiters.RemoveAll(w => w.Count <= _snapshotsSettled);
        }
    }

    /// <summary>Completes once the snapshots of the blocks up to <paramref name="block"/> are saved (or failed).</summary>
    public static Task SnapshotsSettledAsync(long block)
    {
        var count = SnapshotEvery > 0 ? block / SnapshotEvery : 0;
        lock (SnapshotWaiters)
        {
            if (_snapshotsSettled >= count) return Task.CompletedTask;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            SnapshotWaiters.Add((count, done));
            return done.Task;
        }
    }
}

/// <summary>Keeps the demo's last progress report (synchronously: <see cref="Progress{T}"/> would post it later).</summary>
internal sealed class StepTracker : IProgress<string>
{
    private volatile string _current = "starting the vats";

    public string Current => _current;

    public void Report(string value)
    {
        _current = value;
        Console.WriteLine(value);
    }
}

/// <summary>Akka.Persistence.Sql's journal, with the <c>commit-before</c> and <c>commit-after</c> faults.</summary>
public sealed class FaultyJournal(Config config) : SqlWriteJournal(config)
{
    protected override async Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        // a snapshot is saved after its block is acknowledged, asynchronously, however late: each block write waits
        // for the snapshots before it, so a kill during snapshot N finds blocks 1 to N stored, and no more. The wait
        // blocks this actor's thread: the base write must start in the actor's context, which an await would leave
        Fault.SnapshotsSettledAsync(Fault.Count("commit-before")).GetAwaiter().GetResult();
        Fault.Reached("commit-before");
        var result = await base.WriteMessagesAsync(messages, cancellationToken);
        Console.WriteLine($"crash-host: block {Fault.Count("commit-before")} written during: {Fault.Step.Current}");
        Fault.Reached("commit-after");
        return result;
    }
}

/// <summary>Akka.Persistence.Sql's snapshot store, with the <c>snapshot-before</c> and <c>snapshot-after</c> faults.</summary>
public sealed class FaultySnapshotStore(Config config) : SqlSnapshotStore(config)
{
    protected override async Task SaveAsync(SnapshotMetadata metadata, object snapshot, CancellationToken cancellationToken)
    {
        Fault.Reached("snapshot-before");
        try
        {
            await base.SaveAsync(metadata, snapshot, cancellationToken);
            Console.WriteLine($"crash-host: snapshot of block {metadata.SequenceNr} saved during: {Fault.Step.Current}");
            Fault.Reached("snapshot-after");
        }
        finally
        {
            Fault.SnapshotSettled();
        }
    }
}

/// <summary>A demo vat whose deliveries count toward the <c>delivery:NAME:N</c> fault.</summary>
internal sealed class FaultyVat(IRawVat inner, string bundle) : IRawVat
{
    public void Deliver(VatDelivery delivery, IVatSyscalls syscalls)
    {
        Fault.Reached("delivery:" + delivery switch
        {
            MessageDelivery m => (string)((List<object?>)SmallCaps.Decode(m.Methargs.Body, m.Methargs.Slots.Length)!)[0]!,
            StartVatDelivery => "startVat@" + bundle,
            NotifyDelivery => "notify",
            BringOutYourDeadDelivery => "bringOutYourDead",
            _ => delivery.GetType().Name,
        });
        inner.Deliver(delivery, syscalls);
    }
}
