using System.Text.Json;
using Akka.Actor;
using ActorSwingSet.Tests.Liveslots;
using ActorSwingSet.Tests.Support;
using ActorSwingSet.Vats;
using Xunit;
using static ActorSwingSet.Tests.Support.Probe;

namespace ActorSwingSet.Tests.Embedding;

/// <summary>The slog: JSON lines of cranks, deliveries, syscalls and commits, switched on in HOCON.</summary>
public sealed class SlogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("swingset-slog-").FullName;
    private readonly ProbeLog _log = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Runs the same small scenario in a fresh ActorSystem that slogs to <paramref name="file"/>; returns the final stats.</summary>
    private async Task<KernelStats> RunScenario(string file, bool timestamps = false)
    {
        using var system = ActorSystem.Create("slog", $"""
            akka.loglevel = WARNING
            actorswingset.kernel.slog-file = "{file.Replace("\\", "\\\\", StringComparison.Ordinal)}"
            actorswingset.kernel.slog-timestamps = {(timestamps ? "on" : "off")}
            actorswingset.persistence.enabled = on
            akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
            akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
            """);
        var kernel = system.StartSwingSet(Config(_log, "A", "B"));
        await kernel.RunAsync();
        var bRoot = (await kernel.GetVatInfoAsync("B")).Root;
        await kernel.QueueToVatRootAsync("A", Ping(bRoot, 2));
        await kernel.UpgradeVatAsync("B", "probe-v2:B");
        await kernel.RunAsync();
        await kernel.QueueToVatRootAsync("A", "throw");
        await kernel.RunAsync();
        await kernel.CommitAsync();
        var stats = await kernel.GetStatsAsync();
        await AssertAuditClean(kernel);
        await kernel.StopAsync(commit: false);
        await system.Terminate();
        return stats;
    }

    [Fact]
    public async Task Every_crank_delivery_syscall_and_commit_is_one_parseable_json_line()
    {
        var file = Path.Combine(_dir, "logs", "kernel.slog");
        var stats = await RunScenario(file);
        var lines = (await File.ReadAllLinesAsync(file)).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        string Type(JsonElement e) => e.GetProperty("type").GetString()!;

        Assert.All(lines, l => Assert.Equal(JsonValueKind.Number, l.GetProperty("crankNum").ValueKind));
        Assert.All(lines, l => Assert.False(l.TryGetProperty("time", out _)));
        Assert.Equal(stats[KernelStat.Cranks], lines.Count(l => Type(l) == "crank-start"));
        Assert.Equal(stats[KernelStat.Cranks], lines.Count(l => Type(l) == "crank-finish"));
        Assert.Equal(stats[KernelStat.Syscalls], lines.Count(l => Type(l) == "syscall" && !l.GetProperty("ksc")[0].GetString()!.StartsWith("vatstore", StringComparison.Ordinal)));
        Assert.Contains(lines, l => Type(l) == "syscall" && l.GetProperty("ksc")[0].GetString() == "vatstoreGet");
        Assert.Equal(lines.Count(l => Type(l) == "deliver"), lines.Count(l => Type(l) == "deliver-result"));

        // kref form: B's root receives echo messages, B resolves their result promises, A is told
        var bRootKref = lines.First(l => Type(l) == "deliver" && l.GetProperty("kd")[0].GetString() == "message"
            && l.GetProperty("vatID").GetString() == "v2").GetProperty("kd")[1].GetString()!;
        Assert.StartsWith("ko", bRootKref, StringComparison.Ordinal);
        Assert.Contains(lines, l => Type(l) == "syscall" && l.GetProperty("vatID").GetString() == "v2" && l.GetProperty("ksc")[0].GetString() == "resolve"
            && l.GetProperty("ksc")[2][0][0].GetString()!.StartsWith("kp", StringComparison.Ordinal));
        Assert.Contains(lines, l => Type(l) == "deliver" && l.GetProperty("vatID").GetString() == "v1" && l.GetProperty("kd")[0].GetString() == "notify");
        Assert.Contains(lines, l => Type(l) == "crank-start" && l.GetProperty("crankType").GetString() == "routing"
            && l.GetProperty("event").GetProperty("type").GetString() == "send");
        // the upgrade is one crank: bringOutYourDead to the old incarnation, then startVat to the new one
        var upgrade = lines.First(l => Type(l) == "crank-start" && l.GetProperty("event").GetProperty("type").GetString() == "upgrade-vat").GetProperty("crankNum").GetInt64();
        Assert.Equal(["bringOutYourDead", "startVat"], lines.Where(l => Type(l) == "deliver" && l.GetProperty("crankNum").GetInt64() == upgrade)
            .Select(l => l.GetProperty("kd")[0].GetString()));
        Assert.Contains(lines, l => Type(l) == "deliver-result" && l.GetProperty("dr")[0].GetString() == "error"
            && l.GetProperty("dr")[1].GetString()!.Contains("vat code threw", StringComparison.Ordinal));
        var commit = Assert.Single(lines, l => Type(l) == "commit");
        Assert.Equal(1, commit.GetProperty("block").GetInt64());
        Assert.Equal(stats.CrankNumber, commit.GetProperty("crankNum").GetInt64());
    }

    /// <summary>A raw vat that marks each result promise durable before it settles it.</summary>
    private sealed class DurableResultVat : IRawVat
    {
        public void Deliver(VatDelivery delivery, IVatSyscalls syscalls)
        {
            if (delivery is not MessageDelivery { Result: { } result }) return;
            syscalls.MarkPromiseDurable(result);
            syscalls.Resolve(result, false, VCapData.Of(SmallCaps.Encode("kept")));
        }
    }

    [Fact]
    public async Task Vat_admin_and_durable_promise_syscalls_are_slogged_too()
    {
        var file = Path.Combine(_dir, "admin.slog");
        Kref kept;
        using (var system = ActorSystem.Create("slog-admin",
            $"akka.loglevel = WARNING\nactorswingset.kernel.slog-file = \"{file.Replace("\\", "\\\\", StringComparison.Ordinal)}\""))
        {
            var kernel = system.StartSwingSet(new KernelConfig
            {
                Bundles = new VatBundleRegistry().RegisterVat<ParentVat>("parent").RegisterVat<CounterVatCode>("counter")
                    .Register("durable", () => new DurableResultVat()),
                Vats = [new("parent", "parent"), new("keeper", "durable")],
                EnableVatAdmin = true,
            });
            await kernel.RunAsync();
            var created = await kernel.QueueToVatRootAsync("parent", "create", await kernel.GetVatAdminServiceAsync(), "kid", "counter", null);
            kept = await kernel.QueueToVatRootAsync("keeper", "keep");
            await kernel.RunAsync();
            Assert.Equal(PromiseState.Fulfilled, (await kernel.GetPromiseAsync(created)).State);
            Assert.Equal("kept", (await kernel.GetPromiseAsync(kept)).Value);
            await AssertAuditClean(kernel);
            await kernel.StopAsync();
            await system.Terminate();
        }
        var syscalls = (await File.ReadAllLinesAsync(file)).Select(l => JsonDocument.Parse(l).RootElement.Clone())
            .Where(l => l.GetProperty("type").GetString() == "syscall").Select(l => l.GetProperty("ksc")).ToList();
        var admin = Assert.Single(syscalls, k => k[0].GetString() == "vatAdmin");
        Assert.Equal("v1", admin[1].GetString()); // the vat-admin vat, created first
        Assert.StartsWith("#[\"createVat\",[\"counter\"", admin[2].GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("kp", admin[3].GetString(), StringComparison.Ordinal);
        Assert.Contains(syscalls, k => k[0].GetString() == "markPromiseDurable" && k[1].GetString() == "v3" && k[2].GetString() == kept.ToString());
    }

    [Fact]
    public async Task A_slog_file_that_cannot_be_written_turns_the_slog_off_and_the_kernel_runs_on()
    {
        var stats = await RunScenario(_dir); // a folder, not a file
        Assert.True(stats[KernelStat.UpgradesSucceeded] == 1 && stats.LiveVats == 1);
    }

    [Fact]
    public async Task The_slog_is_deterministic_and_wall_clock_time_is_a_separate_opt_in()
    {
        var first = Path.Combine(_dir, "first.slog");
        var second = Path.Combine(_dir, "second.slog");
        var timed = Path.Combine(_dir, "timed.slog");
        await RunScenario(first);
        await RunScenario(second);
        await RunScenario(timed, timestamps: true);

        Assert.Equal(await File.ReadAllBytesAsync(first), await File.ReadAllBytesAsync(second));
        var withTime = (await File.ReadAllLinesAsync(timed)).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.All(withTime, l => Assert.Equal(JsonValueKind.Number, l.GetProperty("time").ValueKind));
        var withoutTime = withTime.Select(l => JsonSerializer.Serialize(l.EnumerateObject().Where(p => p.Name != "time").ToDictionary(p => p.Name, p => p.Value)));
        var plain = (await File.ReadAllLinesAsync(first))
            .Select(l => JsonSerializer.Serialize(JsonDocument.Parse(l).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value)));
        Assert.Equal(plain, withoutTime);
    }
}
