using ActorSwingSet.Vat.Messages;

namespace ActorSwingSet.Kernel;

/// <summary>
/// How the kernel reaches its vats. In an ActorSystem each vat is an actor and a request is one message each way;
/// <see cref="InProcessVatPort"/> calls the same vat logic directly, for tests and tools without actors.
/// </summary>
internal interface IVatPort
{
    /// <summary>Brings up the vat's host (its actor, or an in-process object) with its root export.</summary>
    void CreateVat(string vatId, string bundleName, Kref root, bool enablePipelining);

    /// <summary>
    /// Whether the port loads a restored vat's host from the committed kvStore when the vat is first needed (and lets
    /// it go again once it is offline and committed): then <see cref="RestoreVat"/> is given no state.
    /// </summary>
    bool LoadsOnDemand { get; }

    /// <summary>Brings up a vat's host from its stored state, or, with <see cref="LoadsOnDemand"/> (a null <paramref name="state"/>), notes the vat to load when needed.</summary>
    void RestoreVat(string vatId, string bundleName, bool enablePipelining, IReadOnlyDictionary<string, string>? state);

    /// <summary>
    /// A block is stored: every host's state is now committed, so a port that loads on demand lets go of the hosts
    /// of vats whose workers are offline.
    /// </summary>
    void BlockStored();

    /// <summary>Stops the vat's host; its state is gone.</summary>
    void DestroyVat(string vatId);

    /// <summary>Sends a request and waits for its reply.</summary>
    Task<TReply> RequestAsync<TReply>(string vatId, VatRequest<TReply> request) where TReply : class;

    /// <summary>Sends a command, which has no reply (an abort); nothing if the vat has no host.</summary>
    void Tell(string vatId, VatCommand command);
}
