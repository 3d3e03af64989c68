using Akka.Actor;
using Akka.Configuration;
using ActorSwingSet.Vats;

namespace ActorSwingSet.Hosting;

/// <summary>Where a hosted kernel keeps its state.</summary>
public enum SwingSetStorage
{
    /// <summary>A SQLite file (the default, <c>swingset.db</c> in the working folder).</summary>
    Sqlite,

    /// <summary>A PostgreSQL database (the application adds the Npgsql package).</summary>
    PostgreSql,

    /// <summary>No storage: the kernel lives in memory and starts afresh each time.</summary>
    InMemory,
}

/// <summary>
/// How <see cref="SwingSetHostingExtensions.WithActorSwingSet"/> builds the kernel: its storage and commit policy,
/// its vat code (bundles) and static vats, its actor name, and any HOCON overrides. Every setting not named here is
/// read from the ActorSystem's HOCON (<c>hocon/actorswingset.conf</c> lists them).
/// </summary>
public sealed class SwingSetOptions
{
    private readonly List<Config> _hocon = [];

    /// <summary>The vat code the kernel can run, by bundle name; <see cref="AddBundle"/> adds to it.</summary>
    public VatBundleRegistry Bundles { get; set; } = new();

    /// <summary>The vats created with the kernel (on its first start; a restarted kernel recovers its own).</summary>
    public IList<StaticVatConfig> StaticVats { get; } = [];

    /// <summary>Where the state lives; set by <see cref="UseSqlite"/>, <see cref="UsePostgreSql"/> or <see cref="UseInMemory"/>.</summary>
    public SwingSetStorage Storage { get; private set; } = SwingSetStorage.Sqlite;

    /// <summary>The SQLite file or the PostgreSQL connection string; empty in memory.</summary>
    public string Database { get; private set; } = "swingset.db";

    /// <summary>Commit a block after this many cranks while running (0: only when the host commits or shuts down).</summary>
    public long CommitEveryCranks { get; set; } = 1000;

    /// <summary>The kernel actor's name under <c>/user</c>; null takes <c>actorswingset.kernel.actor-name</c> (<c>swingset-kernel</c>).</summary>
    public string? ActorName { get; set; }

    /// <summary>Deliveries before a vat is asked to bring out its dead; null takes <c>actorswingset.kernel.reap-interval</c>.</summary>
    public long? ReapInterval { get; set; }

    /// <summary>Runs the vat-admin vat (<see cref="KernelConfig.EnableVatAdmin"/>), so vats can create and upgrade vats.</summary>
    public bool EnableVatAdmin { get; set; }

    /// <summary>Whether the host's shutdown commits a last block before it stops the kernel (with storage; default on).</summary>
    public bool CommitOnShutdown { get; set; } = true;

    /// <summary>The CoordinatedShutdown phase that commits and stops the kernel (default <c>before-actor-system-terminate</c>).</summary>
    public string ShutdownPhase { get; set; } = CoordinatedShutdown.PhaseBeforeActorSystemTerminate;

    /// <summary>
    /// How long the shutdown phase may take to commit the last block and stop the kernel (default 60 s; Akka's own
    /// default for a phase is 5 s). Written as <c>akka.coordinated-shutdown.phases.PHASE.timeout</c>.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Keeps the state in the SQLite file <paramref name="path"/> (created if missing).</summary>
    public SwingSetOptions UseSqlite(string path = "swingset.db")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        (Storage, Database) = (SwingSetStorage.Sqlite, path);
        return this;
    }

    /// <summary>Keeps the state in the PostgreSQL database at <paramref name="connectionString"/> (tables made on first use).</summary>
    public SwingSetOptions UsePostgreSql(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        (Storage, Database) = (SwingSetStorage.PostgreSql, connectionString);
        return this;
    }

    /// <summary>Keeps no state: the kernel lives in memory.</summary>
    public SwingSetOptions UseInMemory()
    {
        (Storage, Database) = (SwingSetStorage.InMemory, "");
        return this;
    }

    /// <summary>Sets <see cref="CommitEveryCranks"/>.</summary>
    public SwingSetOptions CommitEvery(long cranks)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cranks);
        CommitEveryCranks = cranks;
        return this;
    }

    /// <summary>Registers vat code under <paramref name="name"/>; each incarnation gets a fresh instance.</summary>
    public SwingSetOptions AddBundle(string name, Func<IRawVat> factory)
    {
        Bundles.Register(name, factory);
        return this;
    }

    /// <summary>Registers a C# vat (<see cref="IVat"/>) under <paramref name="name"/>.</summary>
    public SwingSetOptions AddBundle<TVat>(string name) where TVat : IVat, new()
    {
        Bundles.RegisterVat<TVat>(name);
        return this;
    }

    /// <summary>Adds a vat created with the kernel from bundle <paramref name="bundleName"/>.</summary>
    public SwingSetOptions AddStaticVat(string name, string bundleName, KCapData? vatParameters = null, bool enablePipelining = false)
    {
        StaticVats.Add(new StaticVatConfig(name, bundleName, vatParameters, enablePipelining));
        return this;
    }

    /// <summary>HOCON that overrides everything these options set (a later override wins over an earlier one).</summary>
    public SwingSetOptions AddHocon(Config hocon)
    {
        ArgumentNullException.ThrowIfNull(hocon);
        _hocon.Add(hocon);
        return this;
    }

    /// <summary>HOCON text that overrides everything these options set, e.g. <c>actorswingset.kernel.slog-file = "kernel.slog"</c>.</summary>
    public SwingSetOptions AddHocon(string hocon) => AddHocon(ConfigurationFactory.ParseString(hocon));

    /// <summary>The HOCON these options stand for: the storage and commit policy, under the overrides.</summary>
    internal Config ToConfig()
    {
        var config = Storage switch
        {
            SwingSetStorage.Sqlite => SqliteStorage.Config(Database, CommitEveryCranks),
            SwingSetStorage.PostgreSql => PostgreSqlStorage.Config(Database, CommitEveryCranks),
            _ => ConfigurationFactory.ParseString("actorswingset.persistence.enabled = off"),
        };
        var seconds = Math.Max(1, (long)Math.Ceiling(ShutdownTimeout.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        config = ConfigurationFactory.ParseString($"akka.coordinated-shutdown.phases.{ShutdownPhase}.timeout = {seconds}s").WithFallback(config);
        foreach (var hocon in _hocon) config = hocon.WithFallback(config);
        return config;
    }

    internal KernelConfig ToKernelConfig() => new()
    {
        Bundles = Bundles,
        Vats = [.. StaticVats],
        ReapInterval = ReapInterval,
        EnableVatAdmin = EnableVatAdmin,
    };
}
