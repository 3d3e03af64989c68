using Akka.Configuration;

namespace ActorSwingSet;

/// <summary>The kernel actor's settings, read from the <c>actorswingset.kernel</c> HOCON section.</summary>
/// <param name="ActorName"><c>actor-name</c>: the kernel actor's name under <c>/user</c>; one kernel per name in an ActorSystem.</param>
/// <param name="ReapInterval"><c>reap-interval</c>: deliveries a vat receives before the kernel schedules a bringOutYourDead for it (0: never).</param>
/// <param name="RunSlice"><c>run-slice</c>: cranks run per message while running, so host requests are served between slices; it never changes what the cranks do.</param>
/// <param name="VatReplyTimeout"><c>vat-reply-timeout</c>: how long the kernel waits for a vat actor's reply before it panics.</param>
/// <param name="Persistence">The <c>actorswingset.persistence</c> section.</param>
public sealed record KernelSettings(string ActorName, long ReapInterval, int RunSlice, TimeSpan VatReplyTimeout, PersistenceSettings Persistence)
{
    /// <summary>The slog file (<c>slog-file</c>): JSON lines of every crank, delivery and syscall; empty = off.</summary>
    public string SlogFile { get; init; } = "";

    /// <summary>Whether slog lines carry a wall-clock <c>time</c> (<c>slog-timestamps</c>); off keeps them deterministic.</summary>
    public bool SlogTimestamps { get; init; }

    /// <summary>
    /// <c>max-vats-online</c>: at most this many vat workers are kept in memory; the least recently used one beyond it
    /// is evicted (its actor stopped) and rebuilt from its transcript at its next delivery. It never changes what a
    /// crank does.
    /// </summary>
    public int MaxVatsOnline { get; init; } = 1000;

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
                KeepTranscripts = OnOff(p, "keep-transcripts"),
            })
        {
            SlogFile = c.GetString("slog-file", ""),
            SlogTimestamps = c.GetBoolean("slog-timestamps"),
            MaxVatsOnline = c.GetInt("max-vats-online"),
        };
        if (settings.Persistence.CommitEveryCranks < 0) throw new ArgumentException("actorswingset.persistence.commit-every-cranks must be 0 or more");
        if (settings.Persistence.SnapshotEveryBlocks < 0) throw new ArgumentException("actorswingset.persistence.snapshot-every-blocks must be 0 or more");
        if (settings.Persistence.SnapshotMinVolume < 1) throw new ArgumentException("actorswingset.persistence.snapshot-min-volume must be at least 1");
        if (settings.ReapInterval < 0) throw new ArgumentException("actorswingset.kernel.reap-interval must be 0 or more");
        if (settings.RunSlice < 1) throw new ArgumentException("actorswingset.kernel.run-slice must be at least 1");
        if (settings.MaxVatsOnline < 1) throw new ArgumentException("actorswingset.kernel.max-vats-online must be at least 1");
        return settings;
    }

    /// <summary>A switch read strictly: on/off (or HOCON's true/false, yes/no); anything else names the key.</summary>
    private static bool OnOff(Config section, string key) => section.GetString(key, "").Trim().ToLowerInvariant() switch
    {
        "on" or "true" or "yes" => true,
        "off" or "false" or "no" => false,
        var other => throw new ArgumentException($"actorswingset.persistence.{key} must be on or off, not '{other}'"),
    };
}

/// <summary>The <c>actorswingset.persistence</c> section.</summary>
/// <param name="Enabled"><c>enabled</c>: on, the kernel recovers from its journal when it starts and journals each committed block; off, it lives in memory.</param>
/// <param name="PersistenceId"><c>persistence-id</c>: the journal's persistence ID; one kernel per ID.</param>
/// <param name="JournalPluginId"><c>journal-plugin-id</c>: the journal plugin's configuration path; empty for Akka's default.</param>
/// <param name="SnapshotPluginId"><c>snapshot-plugin-id</c>: the snapshot-store plugin's configuration path; empty for Akka's default.</param>
/// <param name="CommitEveryCranks"><c>commit-every-cranks</c>: a block is committed after this many cranks while running (0: only when the host commits).</param>
/// <param name="SnapshotEveryBlocks"><c>snapshot-every-blocks</c>: the whole state is snapshotted every this many blocks, so recovery replays a bounded tail (0: never).</param>
public sealed record PersistenceSettings(bool Enabled, string PersistenceId, string JournalPluginId, string SnapshotPluginId, long CommitEveryCranks, long SnapshotEveryBlocks)
{
    /// <summary>
    /// <c>snapshot-min-volume</c>: a snapshot is also taken once the blocks written since the last one hold at least
    /// as much as the state, and at least this much (characters of keys and values); see <see cref="Persistence.SnapshotPolicy"/>.
    /// </summary>
    public long SnapshotMinVolume { get; init; } = Persistence.SnapshotPolicy.DefaultMinVolume;

    /// <summary>
    /// <c>keep-transcripts</c>: on, every span of every vat's transcript is kept; off (the default, as SwingSet prunes
    /// unless told to keep), when a vat's new incarnation records its first item the items of its older spans are
    /// deleted, their span rows kept as the record.
    /// </summary>
    public bool KeepTranscripts { get; init; }
}
