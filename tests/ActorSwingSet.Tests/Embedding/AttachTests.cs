using Akka.Actor;
using Akka.Configuration;
using ActorSwingSet.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit;
using static ActorSwingSet.Tests.Support.Probe;

namespace ActorSwingSet.Tests.Embedding;

/// <summary>A kernel started in an ActorSystem the host already has, without Akka.Hosting.</summary>
public sealed class AttachTests() : Akka.TestKit.Xunit2.TestKit(LoadedMachine.TestKitConfig + "akka.loglevel = WARNING\nactorswingset.kernel.run-slice = 7"), IAsyncLifetime
{
    private readonly ProbeLog _log = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("swingset-attach-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_kernel_lives_under_one_guardian_and_its_defaults_merge_like_a_reference_conf()
    {
        var kernel = Sys.StartSwingSet(Config(_log, "A", "B"));

        // the library's defaults are now visible in the system's own configuration; the system's keys still win
        Assert.Equal("swingset-kernel", Sys.Settings.Config.GetString("actorswingset.kernel.actor-name"));
        Assert.Equal(7, Sys.Settings.Config.GetInt("actorswingset.kernel.run-slice"));
        Assert.Equal(7, kernel.Settings.RunSlice);
        Assert.Equal("/user/swingset-kernel", kernel.Kernel.Path.ToStringWithoutAddress());

        await kernel.RunAsync();
        var echoed = await kernel.QueueToVatRootAsync("B", "echo", "hi");
        await kernel.RunAsync();
        Assert.Equal("hi", (await kernel.GetPromiseAsync(echoed)).Value);
        var vat = await Sys.ActorSelection("/user/swingset-kernel/v2").Ask<ActorIdentity>(new Identify(null), RemainingOrDefault);
        Assert.NotNull(vat.Subject);
        Assert.True(SwingSetKernels.Get(Sys).TryGet("swingset-kernel", out var found));
        Assert.Same(kernel, found);
        await AssertAuditClean(kernel);
    }

    [Fact]
    public async Task A_second_kernel_under_a_taken_name_is_refused_with_a_clear_error()
    {
        var first = Sys.StartSwingSet(Config(_log, "A"), "twin");
        var again = Assert.Throws<InvalidOperationException>(() => Sys.StartSwingSet(Config(_log, "A"), "twin"));
        Assert.Contains("a SwingSet kernel named 'twin' already runs", again.Message, StringComparison.Ordinal);

        Sys.ActorOf(Props.Empty, "squatter");
        var taken = Assert.Throws<InvalidOperationException>(() => Sys.StartSwingSet(Config(_log, "A"), "squatter"));
        Assert.Contains("/user/squatter is already taken", taken.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Sys.StartSwingSet(Config(_log, "A"), "no/slashes"));

        // once stopped, the name is free again
        await first.RunAsync();
        await AssertAuditClean(first);
        await first.StopAsync();
        await first.WhenStopped;
        Assert.False(SwingSetKernels.Get(Sys).TryGet("twin", out _));
        SwingSetController? second = null;
        await AwaitAssertAsync(() => second = Sys.StartSwingSet(Config(_log, "A"), "twin"));
        await second!.RunAsync();
        await AssertAuditClean(second);
        Assert.Equal([second], SwingSetKernels.Get(Sys).Running);
    }

    [Fact]
    public async Task Two_kernels_cannot_share_one_journal()
    {
        var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(SqliteStorage.Config(Path.Combine(_dir, "shared.db")));
        using var system = ActorSystem.Create("journal-twins", config);
        var one = system.StartSwingSet(Config(_log, "A"), "one");
        var e = Assert.Throws<InvalidOperationException>(() => system.StartSwingSet(Config(_log, "A"), "two"));
        Assert.Contains("already journals under persistence ID 'actorswingset-kernel'", e.Message, StringComparison.Ordinal);
        await one.RunAsync();
        await AssertAuditClean(one);
        await system.Terminate();
    }

    [Fact]
    public async Task Coordinated_shutdown_commits_the_last_block_and_stops_the_kernel()
    {
        var db = Path.Combine(_dir, "shutdown.db");
        // the phase that stops the kernel gets the time Hosting gives it (Akka's 5 s default is short for a loaded machine)
        Akka.Configuration.Config Storage() => ConfigurationFactory.ParseString("""
            akka.loglevel = WARNING
            akka.coordinated-shutdown.phases.before-actor-system-terminate.timeout = 60s
            """).WithFallback(SqliteStorage.Config(db));

        var system = ActorSystem.Create("shutdown", Storage());
        var kernel = system.StartSwingSet(Config(_log, "A", "B")).StopOnCoordinatedShutdown();
        await kernel.RunAsync();
        var kept = await kernel.QueueToVatRootAsync("A", "echo", "kept");
        await kernel.RunAsync();
        await kernel.HoldDurablyAsync("kept", kept); // the session's own hold ends with it; this one is stored
        await ReleaseHostHeldAsync(kernel);
        var before = await kernel.DumpAsync();
        await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance);
        Assert.True(kernel.WhenStopped.IsCompleted);
        SqliteConnection.ClearAllPools();

        using var restarted = ActorSystem.Create("restarted", Storage());
        var again = restarted.StartSwingSet(Config(_log, "A", "B"));
        Assert.Empty(KernelStateDump.Diff(before, await again.DumpAsync()));
        Assert.Equal("kept", (await again.GetPromiseAsync((await again.GetDurableHoldsAsync())["kept"])).Value);
        await AssertAuditClean(again);
        await restarted.Terminate();
    }
}
