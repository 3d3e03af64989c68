using ActorSwingSet.Benchmarks;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/ActorSwingSet.Benchmarks -- --filter '*PingPong*'   (BenchmarkDotNet)
// dotnet run -c Release --project bench/ActorSwingSet.Benchmarks -- memory [vats]           (retained bytes per idle vat)
// dotnet run -c Release --project bench/ActorSwingSet.Benchmarks -- scenarios [count] [seed] (random kernel scenarios)
if (args.Length > 0 && args[0] == "memory")
{
    var n = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000;
    var (bytes, perVat) = await IdleVatMemory.MeasureAsync(n);
    Console.WriteLine($"{n} idle vats retain {bytes:N0} bytes: {perVat:N0} bytes per vat");
    return 0;
}
if (args.Length > 0 && args[0] == "scenarios")
    return await RandomScenarios.RunAsync(args.Length > 1 ? long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000, args.Length > 2 ? args[2] : null);
BenchmarkSwitcher.FromAssembly(typeof(PingPongBenchmark).Assembly).Run(args);
return 0;
