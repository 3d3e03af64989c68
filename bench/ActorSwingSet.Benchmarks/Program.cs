using ActorSwingSet.Benchmarks;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/ActorSwingSet.Benchmarks -- --filter '*PingPong*'   (BenchmarkDotNet)
// dotnet run -c Release --project bench/ActorSwingSet.Benchmarks -- memory [vats] [online] [sqlite]  (retained bytes per idle vat, resident memory)
// dotnet run -c Release --project bench/ActorSwingSet.Benchmarks -- scenarios [count] [seed] (random kernel scenarios)
if (args.Length > 0 && args[0] == "memory")
{
    var n = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000;
    var online = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1_000;
    var sqlite = args.Length > 3 && args[3] == "sqlite";
    var (bytes, perVat, resident) = await IdleVatMemory.MeasureAsync(n, online, sqlite);
    Console.WriteLine($"{n} idle vats (max-vats-online {online}, {(sqlite ? "SQLite" : "in memory")}) retain {bytes:N0} bytes: "
        + $"{perVat:N0} bytes per vat; resident {resident / 1048576.0:N0} MiB");
    return 0;
}
if (args.Length > 0 && args[0] == "scenarios")
    return await RandomScenarios.RunAsync(args.Length > 1 ? long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000, args.Length > 2 ? args[2] : null);
BenchmarkSwitcher.FromAssembly(typeof(PingPongBenchmark).Assembly).Run(args);
return 0;
