using Akka.Configuration;

namespace ActorSwingSet;

/// <summary>The kernel actor's settings, read from the <c>actorswingset.kernel</c> HOCON section.</summary>
public sealed record KernelSettings(string ActorName, long ReapInterval, int RunSlice, TimeSpan VatReplyTimeout, PersistenceSettings Persistence)
{
    /// <summary>The slog file (<c>slog-file</c>): JSON lines of every crank, delivery and syscall; empty = off.</summary>
    public string SlogFile { get; init; } = "";

    /// <summary>Whether slog lines carry a wall-clock <c>time</c> (<c>slog-timestamps</c>); off keeps them deterministic.</summary>
    public bool SlogTimestamps { get; init; }

    /// <summary>The library's defaults (<c>hocon/actorswingset.conf</c>, embedded in the assembly).</summary>
    public static Config DefaultConfig { get; } = LoadDefault();

    private static Config LoadDefault()
    {
        using var stream = typeof(KernelSettings).Assembly.GetManifestResourceStream("ActorSwingSet.reference.conf")
            ?? throw new InvalidOperationException("ActorSwingSet's default HOCON is missing from the assembly");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }

    /// <summary>Reads the settings from <paramref name="config"/>, falling back to the defaults key by key.</summary>
    public static KernelSettings FromConfig(Config? config)
    {
        var all = (config ?? Config.Empty).WithFallback(DefaultConfig);
        var c = all.GetConfig("actorswingset.kernel");
        var p = all.GetConfig("actorswingset.persistence");
        var settings = new KernelSettings(
            c.GetString("actor-name"),
            c.GetLong("reap-interval"),
            c.GetInt("run-slice"),
            c.GetTimeSpan("vat-reply-timeout"),
            new PersistenceSettings(
                p.GetBoolean("enabled"),
                p.GetString("persistence-id"),
                p.GetString("journal-plugin-id"),
                p.GetString("snapshot-plugin-id"),
                p.GetLong("commit-every-cranks"),
                p.GetLong("snapshot-every-blocks"))
            {
                SnapshotMinVolume = p.GetLong("snapshot-min-volume"),
            })
        {
            SlogFile = c.GetString("slog-file", ""),
            SlogTimestamps = c.GetBoolean("slog-timestamps"),
        };
        if (settings.Persistence.CommitEveryCranks < 0) throw new ArgumentException("actorswingset.persistence.commit-every-cranks must be 0 or more");
        if (settings.Persistence.SnapshotEveryBlocks < 0) throw new ArgumentException("actorswingset.persistence.snapshot-every-blocks must be 0 or more");
        if (settings.Persistence.SnapshotMinVolume < 1) throw new ArgumentException("actorswingset.persistence.snapshot-min-volume must be at least 1");
        if (settings.ReapInterval < 0) throw new ArgumentException("actorswingset.kernel.reap-interval must be 0 or more");
        if (settings.RunSlice < 1) throw new ArgumentException("actorswingset.kernel.run-slice must be at least 1");
        return settings;
    }
}

/// <summary>The <c>actorswingset.persistence</c> section.</summary>
public sealed record PersistenceSettings(bool Enabled, string PersistenceId, string JournalPluginId, string SnapshotPluginId, long CommitEveryCranks, long SnapshotEveryBlocks)
{
    /// <summary>
    /// <c>snapshot-min-volume</c>: a snapshot is also taken once the blocks written since the last one hold at least
    /// as much as the state, and at least this much (characters of keys and values); see <see cref="Persistence.SnapshotPolicy"/>.
    /// </summary>
    public long SnapshotMinVolume { get; init; } = Persistence.SnapshotPolicy.DefaultMinVolume;
}
