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

    /// <summary>Brings up a vat's host from its stored state.</summary>
    void RestoreVat(string vatId, string bundleName, bool enablePipelining, IReadOnlyDictionary<string, string> state);

    /// <summary>Stops the vat's host; its state is gone.</summary>
    void DestroyVat(string vatId);

    /// <summary>Sends a request and waits for its reply.</summary>
    Task<TReply> RequestAsync<TReply>(string vatId, VatRequest<TReply> request) where TReply : class;

    /// <summary>Sends a command, which has no reply (an abort); nothing if the vat has no host.</summary>
    void Tell(string vatId, VatCommand command);
}
