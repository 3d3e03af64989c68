using ActorSwingSet.Kernel;
using ActorSwingSet.Persistence;
using ActorSwingSet.Schema;

namespace ActorSwingSet.Tests.Transcripts;

/// <summary>
/// The kernel without an ActorSystem, with simulated storage: a commit keeps the block's writes and transcript items,
/// a restart builds a new kernel (new vat hosts, no workers) from them alone, as a process restart would.
/// </summary>
internal sealed class StoredKernel
{
    private readonly KernelConfig _config;
    private readonly KernelOptions _options;
    private readonly int _maxVatsOnline;
    private readonly bool _loadOnDemand;
    private readonly KvState _committed = new();
    private long _blocks;

    /// <param name="config">The kernel's configuration.</param>
    /// <param name="maxVatsOnline">The vat warehouse's limit.</param>
    /// <param name="loadOnDemand">Whether vat hosts are loaded from the committed state when needed and let go once committed and offline.</param>
    public StoredKernel(KernelConfig config, int maxVatsOnline = int.MaxValue, bool loadOnDemand = false)
    {
        _loadOnDemand = loadOnDemand;
        _config = config;
        _maxVatsOnline = maxVatsOnline;
        _options = new KernelOptions(config.Bundles, config.ReapInterval ?? 0);
        Port = NewPort();
        Core = new KernelCore(Port, _options);
        Core.Initialize(SwingSetKernels.WithSystemVats(config).StaticVats());
    }

    public MemoryTranscriptStore Transcripts { get; private set; } = new();

    private InProcessVatPort NewPort() => new(_config.Bundles, Transcripts, _maxVatsOnline, _loadOnDemand ? _committed : null);
    public InProcessVatPort Port { get; private set; }
    public KernelCore Core { get; private set; }

    public async Task<object?> CallAsync(string vat, string method, params object?[] args)
    {
        var kp = Core.QueueToVatRoot(vat, HostValues.Methargs(method, args));
        await Core.RunAsync();
        var status = Core.GetPromise(kp);
        Core.ReleasePromise(kp);
        await Core.RunAsync();
        return status.State == PromiseState.Fulfilled ? status.Resolution : throw new InvalidOperationException($"{vat}.{method}: {status.State} {status.Data?.Body}");
    }

    public async Task CommitAsync()
    {
        var (writes, transcript) = await Core.TakeBlockDeltaAsync();
        _committed.Apply(writes);
        Transcripts.ApplyBlock(_blocks + 1, transcript, TranscriptStores.DeletedVats(writes));
        Port.BlockStored();
        _blocks++;
    }

    /// <summary>
    /// Commits, then starts over from what is committed: a new kernel, its vats with no worker in memory. With
    /// <paramref name="withoutTranscripts"/>, the store has none, as for state stored before transcripts were kept.
    /// </summary>
    public async Task RestartAsync(bool withoutTranscripts = false)
    {
        await CommitAsync();
        if (withoutTranscripts) Transcripts = new MemoryTranscriptStore();
        Port = NewPort();
        Core = KernelCore.Restore(Port, _options, _committed.ToDictionary());
        Core.BeginHostSession(_blocks);
    }
}
