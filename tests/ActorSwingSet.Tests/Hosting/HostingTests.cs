using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using ExampleVats;
using ActorSwingSet.Hosting;
using ActorSwingSet.Tests.Scenarios;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;
using static ActorSwingSet.Tests.Support.Probe;

namespace ActorSwingSet.Tests.Hosting;

/// <summary>The kernel in an Akka.Hosting application: one ActorSystem, the controller from DI, a clean shutdown.</summary>
public sealed class HostingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("swingset-hosting-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static VatBundleRegistry Counters() => new VatBundleRegistry()
        .Register("counter-v1", () => new CounterVat())
        .Register("counter-v2", () => new CounterVatV2());

    private static HostApplicationBuilder NewHost(CapturingLoggerProvider? logs = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Information);
        if (logs is not null) builder.Logging.AddProvider(logs);
        return builder;
    }

    [Fact]
    public async Task The_kernel_runs_in_the_hosts_ActorSystem_its_controller_comes_from_DI_and_shutdown_commits()
    {
        var db = Path.Combine(_dir, "hosted.db");
        var logs = new CapturingLoggerProvider();
        var builder = NewHost(logs);
        builder.Services
            .AddAkka("hosted", akka => akka
                .ConfigureLoggers(l =>
                {
                    l.LogLevel = Akka.Event.LogLevel.InfoLevel;
                    l.ClearLoggers();
                    l.AddLoggerFactory();
                })
                .WithActorSwingSet(o => o
                    .UseSqlite(db)
                    .CommitEvery(1000)
                    .AddBundle<BankV1>("bank-v1")
                    .AddBundle<BankV2>("bank-v2")
                    .AddStaticVat("bank", "bank-v1")))
            .AddSwingSetController();
        using var host = builder.Build();
        await host.StartAsync();

        var kernel = await host.Services.GetRequiredService<ISwingSetKernel>().GetControllerAsync();
        var system = host.Services.GetRequiredService<ActorSystem>();
        Assert.Same(kernel, host.Services.GetRequiredService<SwingSetController>());
        Assert.Equal([kernel], SwingSetKernels.Get(system).Running); // the host's own ActorSystem, no second one
        Assert.Equal("akka://hosted/user/swingset-kernel", kernel.Kernel.Path.ToString());
        Assert.Equal(kernel.Kernel, await host.Services.GetRequiredService<IRequiredActor<KernelActor>>().GetAsync());
        Assert.True(kernel.Settings.Persistence.Enabled);
        Assert.Equal(1000, kernel.Settings.Persistence.CommitEveryCranks);

        var opened = await kernel.QueueToVatRootAsync("bank", "open", "alice");
        await kernel.RunAsync();
        var account = Assert.IsType<Kref>((await kernel.GetPromiseAsync(opened)).Resolution);
        var deposited = await kernel.QueueToKrefAsync(account, "deposit", 30L);
        await kernel.UpgradeVatAsync("bank", "bank-v2", upgradeMessage: "v2");
        await kernel.RunAsync();
        var balance = await kernel.QueueToKrefAsync(account, "balance");
        await kernel.RunAsync();
        Assert.Equal(30L, (await kernel.GetPromiseAsync(deposited)).Resolution);
        Assert.Equal(30L, (await kernel.GetPromiseAsync(balance)).Resolution); // the account survived the upgrade
        await AssertAuditClean(kernel);
        await kernel.HoldDurablyAsync("alice", account); // kept across the restart, unlike the session's promises
        await ReleaseHostHeldAsync(kernel);
        var before = await kernel.DumpAsync();

        await host.StopAsync(); // CoordinatedShutdown: commit the last block, stop the kernel
        Assert.True(kernel.WhenStopped.IsCompleted);
        // Akka's log reached Microsoft.Extensions.Logging
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("vat v1 upgraded to bundle 'bank-v2' (incarnation 1)", StringComparison.Ordinal));
        SqliteConnection.ClearAllPools();

        using var plain = ActorSystem.Create("plain", ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(SqliteStorage.Config(db)));
        var restarted = plain.StartSwingSet(new KernelConfig
        {
            Bundles = new VatBundleRegistry().RegisterVat<BankV1>("bank-v1").RegisterVat<BankV2>("bank-v2"),
            Vats = [new("bank", "bank-v1")],
        });
        Assert.Empty(KernelStateDump.Diff(before, await restarted.DumpAsync()));
        Assert.Equal(account, (await restarted.GetDurableHoldsAsync())["alice"]);
        var after = await restarted.QueueToKrefAsync(account, "balance");
        await restarted.RunAsync();
        Assert.Equal(30L, (await restarted.GetPromiseAsync(after)).Resolution);
        await AssertAuditClean(restarted);
        await plain.Terminate();
    }

    [Fact]
    public async Task An_in_memory_kernel_takes_its_name_and_HOCON_overrides_from_the_options()
    {
        var builder = NewHost();
        builder.Services
            .AddAkka("in-memory", akka => akka.WithActorSwingSet(o =>
            {
                o.UseInMemory().AddStaticVat("alice", "counter-v1").AddHocon("actorswingset.kernel.run-slice = 5");
                o.Bundles = Counters();
                o.ActorName = "ledger";
                o.EnableVatAdmin = true;
            }))
            .AddSwingSetController();
        using var host = builder.Build();
        var accessor = host.Services.GetRequiredService<ISwingSetKernel>();
        var early = Assert.Throws<InvalidOperationException>(() => accessor.Controller);
        Assert.Contains("has not started", early.Message, StringComparison.Ordinal);

        await host.StartAsync();
        var kernel = accessor.Controller;
        Assert.Equal("/user/ledger", kernel.Kernel.Path.ToStringWithoutAddress());
        Assert.False(kernel.Settings.Persistence.Enabled);
        Assert.Equal(5, kernel.Settings.RunSlice);
        Assert.Equal(5, host.Services.GetRequiredService<ActorSystem>().Settings.Config.GetInt("actorswingset.kernel.run-slice"));
        // the shutdown phase that commits and stops the kernel gets time for a last block (Akka's default is 5 s)
        Assert.Equal(TimeSpan.FromSeconds(60), host.Services.GetRequiredService<ActorSystem>().Settings.Config
            .GetTimeSpan("akka.coordinated-shutdown.phases.before-actor-system-terminate.timeout"));
        Assert.True((await kernel.GetVatAdminServiceAsync()).IsObject);
        var count = await kernel.QueueToVatRootAsync("alice", "increment", 2);
        await kernel.RunAsync();
        Assert.Equal(2L, (await kernel.GetPromiseAsync(count)).Value);
        await AssertAuditClean(kernel);
        await host.StopAsync();
        Assert.True(kernel.WhenStopped.IsCompleted);
    }

    [Fact]
    public void PostgreSQL_storage_is_the_Akka_Persistence_Sql_journal_with_the_given_connection_and_commit_policy()
    {
        var config = new SwingSetOptions().UsePostgreSql("Host=db.internal;Database=swingset;Username=app").CommitEvery(500)
            .AddHocon("actorswingset.persistence.snapshot-every-blocks = 10").ToConfig();
        Assert.True(config.GetBoolean("actorswingset.persistence.enabled"));
        Assert.Equal(500, config.GetLong("actorswingset.persistence.commit-every-cranks"));
        Assert.Equal(10, config.GetLong("actorswingset.persistence.snapshot-every-blocks"));
        foreach (var store in new[] { "akka.persistence.journal", "akka.persistence.snapshot-store" })
        {
            Assert.Equal($"{store}.sql", config.GetString($"{store}.plugin"));
            Assert.Equal("PostgreSQL.15", config.GetString($"{store}.sql.provider-name"));
            Assert.Equal("Host=db.internal;Database=swingset;Username=app", config.GetString($"{store}.sql.connection-string"));
        }
        Assert.Equal("actorswingset-state", config.GetString("akka.actor.serialization-bindings.\"ActorSwingSet.Persistence.BlockCommitted, ActorSwingSet\""));
    }
}
