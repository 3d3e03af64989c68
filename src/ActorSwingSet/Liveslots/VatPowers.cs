using ActorSwingSet.Liveslots;

namespace ActorSwingSet.Vats;

/// <summary>
/// What a vat's code can do beyond plain C#: define virtual and durable kinds, make promises (durable ones too),
/// watch promises with durable handlers, and exit. Handed to <see cref="IVat.BuildRootObject"/>.
/// </summary>
public sealed class VatPowers
{
    private readonly KindTable _kinds;
    private readonly PromiseTable _promises;
    private readonly EventualSender _sender;
    private readonly Marshaller _marshaller;

    internal VatPowers(KindTable kinds, PromiseTable promises, EventualSender sender, Marshaller marshaller)
    {
        _kinds = kinds;
        _promises = promises;
        _sender = sender;
        _marshaller = marshaller;
    }

    /// <summary>
    /// Defines a virtual kind: its instances keep their state in the vatstore (not in memory) and pass by
    /// reference, but do not survive an upgrade (they are abandoned). <paramref name="behavior"/> builds an
    /// instance's behaviour around its state; it may be called again whenever the instance is needed.
    /// </summary>
    public Kind<T> DefineKind<T>(string tag, Func<ObjectState, T> behavior) where T : class =>
        _kinds.Define(tag, behavior, durable: false);

    /// <summary>
    /// Defines (or, in a later incarnation, re-binds) a durable kind. Its instances keep their vrefs, and so their
    /// identity for other vats, across upgrades. <paramref name="tag"/> is the kind's durable identity: every
    /// incarnation must define each durable kind an earlier one defined, or its start fails.
    /// </summary>
    public Kind<T> DefineDurableKind<T>(string tag, Func<ObjectState, T> behavior) where T : class =>
        _kinds.Define(tag, behavior, durable: true);

    /// <summary>A promise the vat decides, with its resolver. Ephemeral: an upgrade rejects it.</summary>
    public PromiseKit MakePromiseKit() => new();

    /// <summary>
    /// A durable promise (an ActorSwingSet extension, docs/KERNEL-SEMANTICS.md section 8): an upgrade leaves it unresolved, and the
    /// next incarnation can settle it. Keep it in baggage or durable state to find it again.
    /// </summary>
    public DurablePromise MakeDurablePromise() => _promises.MakeDurable();

    /// <summary>
    /// Watches <paramref name="promise"/> with <paramref name="watcher"/>, an instance of a durable kind
    /// implementing <see cref="IPromiseWatcher"/> (watchers are kept in durable storage, as in SwingSet). The vat is subscribed to the promise, also to one it decides
    /// itself, and the watcher is called in whichever incarnation learns the settlement.
    /// </summary>
    public void WatchPromise(Task promise, object watcher, params object?[] args) =>
        _promises.Watch(promise, watcher, args);

    /// <summary>Terminates this vat after the current delivery; its promises are rejected and its done-promise fulfilled with <paramref name="completion"/>.</summary>
    public void Exit(object? completion = null) => _sender.Exit(false, completion);

    /// <summary>Terminates this vat now, as a failure: the current delivery is unwound.</summary>
    public void ExitWithFailure(object? reason) => _sender.Exit(true, reason);

    /// <summary>The kernel's vat-admin syscall, for the vat-admin vat (no other vat may make it).</summary>
    internal Task<object?> CallVatAdmin(string operation, params object?[] args) => _sender.CallVatAdmin(operation, args);

    /// <summary>Whether <paramref name="value"/>, passed to the kernel, would carry references.</summary>
    internal bool CarriesReferences(object? value) => _marshaller.ToCapData(value).Slots.Length > 0;
}

/// <summary>A promise and its resolver (SwingSet's <c>makePromiseKit</c>).</summary>
public sealed class PromiseKit
{
    private readonly TaskCompletionSource<object?> _source = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The promise: pass it to other vats, await it, or watch it.</summary>
    public Task<object?> Promise => _source.Task;

    /// <summary>Fulfils the promise (a second settlement is ignored, as in JavaScript).</summary>
    public void Resolve(object? value) => _source.TrySetResult(value);

    /// <summary>Rejects the promise with <paramref name="reason"/>.</summary>
    public void Reject(object? reason) => _source.TrySetException(new VatRejectedException(reason));
}

/// <summary>A handler for <see cref="VatPowers.WatchPromise"/>: implemented by a kind's behaviour class.</summary>
public interface IPromiseWatcher
{
    /// <summary>The watched promise was fulfilled with <paramref name="value"/>.</summary>
    void OnFulfilled(object? value, IReadOnlyList<object?> args);

    /// <summary>The watched promise was rejected with <paramref name="reason"/>.</summary>
    void OnRejected(object? reason, IReadOnlyList<object?> args);
}
