using Akka.Actor;
using Akka.Configuration;
using ActorSwingSet.Tests.Scenarios.Random;
using ActorSwingSet.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Abstractions;

namespace ActorSwingSet.Tests.Scenarios;

/// <summary>
/// Generated scenarios over several scripted vats (sends, pipelined sends, promise passing, resolutions to
/// promises and objects, self-subscriptions, upgrades that succeed and fail, terminations, GC syscalls), each run
/// with the audit after every crank and again with a kernel restart at a generated point, which must end in the
/// same state byte for byte. Seeds are fixed; <c>CsCheck_Seed</c> and <c>CsCheck_Iter</c> override them (a failure
/// prints the shrunk scenario, the invariant it breaks and its seed). The benchmark project runs the in-process
/// check at scale: <c>dotnet run -c Release --project bench/ActorSwingSet.Benchmarks -- scenarios 10000</c>.
/// </summary>
public sealed class RandomScenarioTests(ITestOutputHelper output) : ScratchDirectoryTest
{
    private void Report(ScenarioRunner.Exploration result) =>
        output.WriteLine($"{result.Scenarios} scenarios, {result.Cranks} cranks in {result.Elapsed}: {string.Join(", ", result.Stats.Select(s => $"{s.Key} {s.Value}"))}");

    [Fact]
    public async Task Random_scenarios_on_the_crank_engine_keep_the_invariants_and_a_restart_changes_nothing()
    {
        var (seed, iterations) = ScenarioRunner.Settings("0SwingSet903", 300);
        var result = await ScenarioRunner.ExploreAsync(
            s => ScenarioRunner.CheckAsync(s, c => Task.FromResult<IScenarioKernel>(new InProcessScenarioKernel(c))), seed, iterations, shrinkIterations: 5000);
        Report(result);
        Assert.Equal(iterations, result.Scenarios);
    }

    [Fact]
    public async Task Random_scenarios_with_one_vat_online_replay_a_worker_for_almost_every_delivery_and_end_as_with_every_vat_online()
    {
        var (seed, iterations) = ScenarioRunner.Settings("3OneOnline90", 100);
        var result = await ScenarioRunner.ExploreAsync(s => ScenarioRunner.CheckEvictingAsync(s), seed, iterations, shrinkIterations: 2000);
        Report(result);
        Assert.Equal(iterations, result.Scenarios);
    }

    [Fact]
    public async Task Random_scenarios_on_the_kernel_actor_with_an_in_memory_journal_survive_a_restart_unchanged()
    {
        var (seed, iterations) = ScenarioRunner.Settings("1ActorJrnl90", 25);
        var result = await ScenarioRunner.ExploreAsync(
            s => ScenarioRunner.CheckAsync(s, c => Task.FromResult<IScenarioKernel>(new ActorScenarioKernel(c, InMemoryJournal, newSystemOnRestart: false))),
            seed, iterations, shrinkIterations: 100);
        Report(result);
        Assert.Equal(iterations, result.Scenarios);
    }

    [Fact]
    public async Task Random_scenarios_on_the_kernel_actor_with_one_vat_online_evict_and_replay_and_survive_a_restart_unchanged()
    {
        var (seed, iterations) = ScenarioRunner.Settings("8ActorOne901", 25);
        var result = await ScenarioRunner.ExploreAsync(
            s => ScenarioRunner.CheckAsync(s, c => Task.FromResult<IScenarioKernel>(new ActorScenarioKernel(c,
                () => ConfigurationFactory.ParseString("actorswingset.kernel.max-vats-online = 1").WithFallback(InMemoryJournal()), newSystemOnRestart: false))),
            seed, iterations, shrinkIterations: 50);
        Report(result);
        Assert.Equal(iterations, result.Scenarios);
    }

    [Fact]
    public async Task Random_scenarios_on_sqlite_survive_a_restart_of_the_whole_actor_system_unchanged()
    {
        var (seed, iterations) = ScenarioRunner.Settings("2SqliteRst90", 4);
        var n = 0;
        var result = await ScenarioRunner.ExploreAsync(
            s => ScenarioRunner.CheckAsync(s, c =>
            {
                var db = Path.Combine(Dir, $"scenario{Interlocked.Increment(ref n)}.db");
                return Task.FromResult<IScenarioKernel>(new ActorScenarioKernel(c,
                    () => ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(SqliteStorage.Config(db)),
                    newSystemOnRestart: true));
            }),
            seed, iterations, shrinkIterations: 20);
        Report(result);
        Assert.Equal(iterations, result.Scenarios);
    }

    private static Config InMemoryJournal() => ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        actorswingset.persistence.enabled = on
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """);

    /// <summary>
    /// A kernel behind its controller, journalled; a restart stops it (committing) and starts a new kernel on the
    /// same journal, in the same ActorSystem or, with <c>newSystemOnRestart</c>, in a new one.
    /// </summary>
    private sealed class ActorScenarioKernel : IScenarioKernel
    {
        private readonly KernelConfig _config;
        private readonly Func<Config> _hocon;
        private readonly bool _newSystemOnRestart;
        private ActorSystem _system;
        private SwingSetController _c;
        private int _starts;

        public ActorScenarioKernel(KernelConfig config, Func<Config> hocon, bool newSystemOnRestart)
        {
            (_config, _hocon, _newSystemOnRestart) = (config, hocon, newSystemOnRestart);
            _system = ActorSystem.Create("scenario", hocon());
            _c = SwingSetController.Start(_system, config, "kernel" + _starts++);
        }

        public Task<bool> StepAsync() => _c.StepAsync();
        public async Task<SortedDictionary<string, string>> DumpAsync() => new((await _c.DumpAsync()).ToDictionary(), StringComparer.Ordinal);
        public Task<Kref> QueueToKrefAsync(Kref target, KCapData methargs) => _c.QueueToKrefAsync(target, methargs);
        public Task<(string VatId, Kref Result)> CreateVatAsync(string bundle, KCapData? parameters, bool pipelining) => _c.CreateVatAsync(bundle, parameters, pipelining);
        public Task<Kref> UpgradeVatAsync(string vatId, string bundle, KCapData? parameters) => _c.UpgradeVatAsync(vatId, bundle, parameters, "upgraded by the host");
        public Task<Kref> TerminateVatAsync(string vatId, bool failure) => _c.TerminateVatAsync(vatId, "terminated by the host", failure);
        public Task ReleaseAsync(Kref kpid) => _c.ReleasePromiseAsync(kpid);
        public Task<VatInfo> VatAsync(string nameOrId) => _c.GetVatInfoAsync(nameOrId);
        public Task CommitAsync() => _c.CommitAsync();

        public async Task RestartAsync()
        {
            await _c.StopAsync();
            if (_newSystemOnRestart)
            {
                await _system.Terminate();
                SqliteConnection.ClearAllPools();
                _system = ActorSystem.Create("scenario", _hocon());
            }
            // a new actor name on the same journal: Akka may not have freed the old name when StopAsync returns
            _c = SwingSetController.Start(_system, _config, "kernel" + _starts++);
        }

        public async ValueTask DisposeAsync()
        {
            await _system.Terminate();
            SqliteConnection.ClearAllPools();
        }
    }
}
