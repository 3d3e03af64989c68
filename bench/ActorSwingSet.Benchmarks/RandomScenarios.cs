using ActorSwingSet.Tests.Scenarios.Random;

namespace ActorSwingSet.Benchmarks;

/// <summary>
/// The test suite's random scenarios at scale, on the in-process crank engine: each scenario runs with the audit after
/// every crank, and again with a kernel restart that must end in the same kv dump. Prints how many ran, their cranks,
/// the time and the kernel counters they reached, or the first failure shrunk to a small scenario (exit code 1).
/// </summary>
internal static class RandomScenarios
{
    public static async Task<int> RunAsync(long count, string? seed)
    {
        seed ??= "0SwingSet903";
        Console.WriteLine($"checking {count:N0} random scenarios from seed {seed} (each run twice: audited every crank, and with a restart)");
        try
        {
            var r = await ScenarioRunner.ExploreAsync(
                s => ScenarioRunner.CheckAsync(s, c => Task.FromResult<IScenarioKernel>(new InProcessScenarioKernel(c))),
                seed, count, shrinkIterations: 20_000, shrinkThreads: Environment.ProcessorCount);
            Console.WriteLine($"{r.Scenarios:N0} scenarios passed: {r.Cranks:N0} audited cranks (the runs without restart) in {r.Elapsed.TotalSeconds:N1} s, " +
                $"{r.Scenarios / r.Elapsed.TotalSeconds:N0} scenarios/s");
            foreach (var (name, value) in r.Stats) Console.WriteLine($"  {name,-26} {value,12:N0}");
            return 0;
        }
        catch (ScenarioFailedException e)
        {
            Console.WriteLine("FAILED: " + e.Message);
            return 1;
        }
    }
}
