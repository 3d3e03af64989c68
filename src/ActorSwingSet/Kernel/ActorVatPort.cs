using Akka.Actor;
using ActorSwingSet.Schema;
using ActorSwingSet.Vat;
using ActorSwingSet.Vat.Messages;

namespace ActorSwingSet.Kernel;

/// <summary>
/// Reaches vats as child actors of the kernel actor: one message out, one back, per request. A vat's actor exists
/// only while its worker is online (<see cref="VatWarehouse"/>): it is started by the first request that may run
/// the vat's code, and stopped when the warehouse evicts it. A request that runs no code (a block's delta, a dump)
/// to a vat with no actor is answered by its host directly, on the kernel's thread: nothing else can be using it. With
/// a <paramref name="committed"/> store the hosts themselves are loaded and let go as <see cref="VatHosts"/> says.
/// </summary>
internal sealed class ActorVatPort(IActorContext context, VatBundleRegistry bundles, TimeSpan timeout, int maxVatsOnline, ITranscriptStore? transcripts,
    ICommittedKv? committed) : IVatPort
{
    private readonly VatHosts _hosts = new(bundles, transcripts, committed);
    private readonly Dictionary<string, IActorRef> _actors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _startedBefore = new(StringComparer.Ordinal);
    private readonly VatWarehouse _warehouse = new(maxVatsOnline);

    public bool LoadsOnDemand => _hosts.LoadsOnDemand;

    public void CreateVat(string vatId, string bundleName, Kref root, bool enablePipelining) => _hosts.Create(vatId, bundleName, root, enablePipelining);

    public void RestoreVat(string vatId, string bundleName, bool enablePipelining, IReadOnlyDictionary<string, string>? state) =>
        _hosts.Restore(vatId, bundleName, enablePipelining, state);

    /// <summary>A vat's host stays while its actor does: only hosts of vats with no actor are let go.</summary>
    public void BlockStored() => _hosts.LetGo(_actors.ContainsKey);

    public void DestroyVat(string vatId)
    {
        _hosts.Remove(vatId);
        _warehouse.Forget(vatId);
        if (_actors.Remove(vatId, out var actor)) context.Stop(actor);
    }

    /// <summary>The vats whose workers are online, least recently used first.</summary>
    public IEnumerable<string> Online => _warehouse.Online;

    public async Task<TReply> RequestAsync<TReply>(string vatId, VatRequest<TReply> request) where TReply : class
    {
        var host = _hosts.Find(vatId) ?? throw new KernelPanicException($"no actor for vat {vatId}");
        if (request is ICrankRequest { RunsCode: true } c && _warehouse.Use(vatId, c.Crank) is { } evict)
            foreach (var other in evict) await EvictAsync(other, c.Crank).ConfigureAwait(false);
        if (!_actors.TryGetValue(vatId, out var actor))
        {
            if (request is not ICrankRequest { RunsCode: true }) return host.Handle(request);
            actor = StartActor(vatId, host);
        }
        return await ReplyOf(vatId, request, actor.Ask<object>(request, timeout)).ConfigureAwait(false);
    }

    /// <summary>
    /// Lets a vat's worker go: the host keeps its last crank and drops its worker (waited for, so the host is never
    /// used by two actors at once), then its actor stops after that message.
    /// </summary>
    private async Task EvictAsync(string vatId, long crank)
    {
        if (!_actors.Remove(vatId, out var actor))
        {
            _hosts.InMemory(vatId)?.Handle(new EvictWorker(crank));
            return;
        }
        await ReplyOf(vatId, new EvictWorker(crank), actor.Ask<object>(new EvictWorker(crank), timeout)).ConfigureAwait(false);
        actor.Tell(PoisonPill.Instance);
    }

    /// <summary>A vat's actor is named by its vat ID; when it comes back after an eviction, with <c>~N</c> for its Nth start.</summary>
    private IActorRef StartActor(string vatId, VatHost host)
    {
        var starts = _startedBefore.GetValueOrDefault(vatId) + 1;
        _startedBefore[vatId] = starts;
        var actor = context.ActorOf(VatActor.Props(host), starts == 1 ? vatId : $"{vatId}~{starts}");
        _actors[vatId] = actor;
        return actor;
    }

    /// <summary>
    /// The vat actor answers with what <see cref="VatHost"/> returns for the request, which is a
    /// <typeparamref name="TReply"/> by construction; but a message crossing the actor boundary is untyped, so
    /// anything else (a <see cref="Status.Failure"/>, say) is checked for here, once, and is a kernel panic.
    /// </summary>
    private static async Task<TReply> ReplyOf<TReply>(string vatId, VatRequest<TReply> request, Task<object> ask) where TReply : class =>
        await ask.ConfigureAwait(false) is TReply reply
            ? reply
            : throw new KernelPanicException($"{vatId} answered {request.GetType().Name} with something other than a {typeof(TReply).Name}");

    public void Tell(string vatId, VatCommand command)
    {
        if (_actors.TryGetValue(vatId, out var actor)) actor.Tell(command);
        else _hosts.InMemory(vatId)?.Handle(command);
    }
}
