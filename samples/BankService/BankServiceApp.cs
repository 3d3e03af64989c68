using Akka.Hosting;
using ActorSwingSet.Hosting;
using ExampleVats;

namespace BankService;

/// <summary>
/// The sample service: an ASP.NET Core app on 127.0.0.1 whose Akka.Hosting ActorSystem runs an ActorSwingSet kernel
/// with a bank (v1) and two customers. Endpoints (JSON):
/// <c>POST /vats/{vat}/call/{method}</c> with an array of arguments (a string "@name" stands for that vat's root),
/// <c>POST /vats/{vat}/upgrade</c> with <c>{"bundle", "upgradeMessage"}</c>, <c>GET /vats/{vat}</c>,
/// <c>GET /stats</c> and <c>GET /audit</c>. Settings: <c>--urls</c> (default http://127.0.0.1:5080) and <c>--db</c>
/// (a SQLite file, default bank-service.db; <c>:memory:</c> keeps nothing).
/// </summary>
public static class BankServiceApp
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var urls = builder.Configuration["urls"] ?? "http://127.0.0.1:5080";
        if (urls.Split(';').Any(u => !new Uri(u).IsLoopback))
            throw new ArgumentException($"the sample service binds only to the loopback interface, not {urls}");
        builder.WebHost.UseUrls(urls);
        var db = builder.Configuration["db"] ?? "bank-service.db";
        builder.Services
            .AddAkka("bank-service", akka => akka
                .ConfigureLoggers(loggers => loggers.AddLoggerFactory())
                .WithActorSwingSet(options =>
                {
                    if (db == ":memory:") options.UseInMemory();
                    else options.UseSqlite(db);
                    options.AddBundle<BankV1>("bank-v1")
                        .AddBundle<BankV2>("bank-v2")
                        .AddBundle<CustomerVat>("customer")
                        .AddStaticVat("bank", "bank-v1")
                        .AddStaticVat("alice", "customer")
                        .AddStaticVat("bob", "customer");
                }))
            .AddSwingSetController();
        var app = builder.Build();
        var persistent = db != ":memory:";
        var endpoints = new VatEndpoints(persistent);
        app.MapPost("/vats/{vat}/call/{method}", endpoints.Call);
        app.MapPost("/vats/{vat}/upgrade", endpoints.Upgrade);
        app.MapGet("/vats/{vat}", endpoints.Info);
        app.MapGet("/stats", endpoints.Stats);
        app.MapGet("/audit", endpoints.Audit);
        return app;
    }
}

/// <summary>What the upgrade endpoint takes.</summary>
public sealed record UpgradeRequest(string Bundle, string? UpgradeMessage);
