using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using ActorSwingSet.Vats;

namespace ActorSwingSet.Liveslots;

/// <summary>
/// Promises as the vat sees them: each vpid it knows maps to one <see cref="Task"/>. Imported promises and the
/// results of its sends are tasks the kernel's notify settles (the vat subscribes to each); promises the vat
/// decides (message results, its own tasks it passes out) are resolved with a syscall when their task finishes.
/// Watchers (<c>watch.VPID</c>) and durable promises (<c>dp.VPID</c>) live in the vatstore, so they outlive the
/// incarnation. Built from the syscalls of the running delivery, the promise-number allocator, the vatstore, the
/// export table (to check watchers), the turn queue (watchers run in later turns) and the marshaller, which is built
/// from this table and so is bound late.
/// </summary>
internal sealed class PromiseTable(
    Func<IVatSyscalls> syscalls, Func<long> nextPromiseId, VatStore store, ExportTable exports, VatTurnContext turns, Func<Marshaller> marshaller)
    : IPromiseSlots
{
    private sealed class Entry(string vpid)
    {
        public string Vpid { get; } = vpid;
        public Task? Task { get; set; }
        public TaskCompletionSource<object?>? Source { get; set; }
        /// <summary>This vat decides it: it will resolve it with a syscall.</summary>
        public bool Decided { get; set; }
        public bool Subscribed { get; set; }
        public DurablePromise? Durable { get; set; }
    }

    private readonly Dictionary<string, Entry> _byVpid = new(StringComparer.Ordinal);
    private readonly Dictionary<Task, string> _byTask = [];
    private HashSet<string>? _settling;

    private static readonly ConcurrentDictionary<Type, PropertyInfo?> ResultProperties = new();

    private string NewVpid() => "p+" + nextPromiseId().ToString(CultureInfo.InvariantCulture);

    private static TaskCompletionSource<object?> NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Add(Entry e)
    {
        _byVpid[e.Vpid] = e;
        if (e.Task is not null) _byTask[e.Task] = e.Vpid;
    }

    private void Remove(Entry e)
    {
        _byVpid.Remove(e.Vpid);
        if (e.Task is not null) _byTask.Remove(e.Task);
        if (e.Source is not null) _byTask.Remove(e.Source.Task);
    }

    /// <summary>The task for a promise slot in a delivery: an import is subscribed to the first time it is seen.</summary>
    public Task<object?> TaskFor(string vpid)
    {
        if (_byVpid.TryGetValue(vpid, out var e))
        {
            if (e.Task is Task<object?> known) return known;
            // a promise the vat decides that has no Task<object?> yet (a message result, or its own Task<T> coming back)
            var local = e.Task;
            e.Source ??= NewSource();
            e.Task ??= e.Source.Task;
            _byTask[e.Source.Task] = vpid;
            if (local is not null) local.GetAwaiter().OnCompleted(() => Complete(e, Outcome(local)));
            return e.Source.Task;
        }
        var source = NewSource();
        var entry = new Entry(vpid) { Source = source, Task = source.Task };
        Add(entry);
        if (_settling?.Contains(vpid) != true)
        {
            syscalls().Subscribe(vpid);
            entry.Subscribed = true;
        }
        return source.Task;
    }

    /// <summary>The vpid for a task being passed out; a task the kernel has not seen becomes a <c>p+N</c> this vat decides.</summary>
    public string VpidFor(Task task)
    {
        if (_byTask.TryGetValue(task, out var vpid)) return vpid;
        vpid = NewVpid();
        Add(new Entry(vpid) { Task = task, Decided = true });
        Follow(vpid, task);
        return vpid;
    }

    public string? DurableVpidOf(Task task) =>
        _byTask.TryGetValue(task, out var vpid) && _byVpid[vpid].Durable is not null ? vpid : null;

    /// <summary>Resolves <paramref name="vpid"/> when <paramref name="task"/> finishes (in a later turn).</summary>
    public void Follow(string vpid, Task task)
    {
        var awaiter = task.GetAwaiter();
        awaiter.OnCompleted(() => Settle(vpid, Outcome(task)));
    }

    public static (bool Rejected, object? Value) Outcome(Task task)
    {
        if (task.IsFaulted)
        {
            var e = task.Exception!.InnerExceptions.Count == 1 ? task.Exception.InnerException! : task.Exception;
            return (true, Rejection.Reason(e));
        }
        if (task.IsCanceled) return (true, new PassableError("Error", "the task was cancelled"));
        var prop = ResultProperties.GetOrAdd(task.GetType(), static t =>
            t.IsGenericType && t.GetGenericArguments()[0].Name != "VoidTaskResult" ? t.GetProperty("Result") : null);
        return (false, prop is null ? Undefined.Value : prop.GetValue(task));
    }

    /// <summary>A message arrived with <paramref name="vpid"/> as its result: this vat now decides it.</summary>
    public void AdoptResult(string vpid)
    {
        if (_byVpid.TryGetValue(vpid, out var e)) e.Decided = true;
        else Add(new Entry(vpid) { Decided = true });
    }

    /// <summary>Resolves a promise this vat decides, with a value that may itself be a promise (then it waits for it).</summary>
    public void Settle(string vpid, (bool Rejected, object? Value) outcome)
    {
        if (!_byVpid.TryGetValue(vpid, out var e) || !e.Decided) return;
        if (!outcome.Rejected && outcome.Value is Task inner)
        {
            // a promise resolved to a promise follows it (the kernel takes only settled values)
            if (_byTask.TryGetValue(inner, out var innerVpid) && innerVpid == vpid)
            {
                Settle(vpid, (true, new PassableError("TypeError", "a promise cannot be resolved to itself")));
                return;
            }
            Follow(vpid, inner);
            return;
        }
        VCapData data;
        var (rejected, value) = outcome;
        try
        {
            data = marshaller().ToCapData(value);
        }
        catch (Exception ex) when (ex is not IllegalSyscallException and not VatExitException)
        {
            (rejected, value) = (true, new PassableError(Rejection.ErrorName(ex), ex.Message));
            data = marshaller().ToCapData(value);
        }
        syscalls().Resolve(vpid, rejected, data);
        if (e.Durable is not null) RecordDurableSettlement(vpid, rejected, value);
        Remove(e);
        Complete(e, rejected, value);
        FireWatchers(vpid, rejected, value);
    }

    private static void Complete(Entry e, (bool Rejected, object? Value) outcome) => Complete(e, outcome.Rejected, outcome.Value);

    private static void Complete(Entry e, bool rejected, object? value)
    {
        if (e.Source is null) return;
        if (rejected) e.Source.TrySetException(new VatRejectedException(value));
        else e.Source.TrySetResult(value);
    }

    /// <summary>The kernel's notify: settle the tasks (and fire the watchers) of the promises it names.</summary>
    public void Notify(IReadOnlyList<VatResolution> resolutions)
    {
        // the batch's vpids are retired already: decoding one inside another must not subscribe to it
        _settling = new HashSet<string>(resolutions.Select(r => r.Vpid), StringComparer.Ordinal);
        try
        {
            var decoded = resolutions.Select(r => (r.Vpid, r.Rejected, Value: marshaller().FromCapData(r.Data))).ToList();
            foreach (var (vpid, rejected, value) in decoded)
            {
                if (_byVpid.TryGetValue(vpid, out var e))
                {
                    Remove(e);
                    Complete(e, rejected, value);
                }
                FireWatchers(vpid, rejected, value);
            }
        }
        finally
        {
            _settling = null;
        }
    }

    // ---------------- watchers ----------------

    public void Watch(Task promise, object watcher, object?[] args)
    {
        ArgumentNullException.ThrowIfNull(promise);
        ArgumentNullException.ThrowIfNull(watcher);
        if (watcher is not IPromiseWatcher || !exports.TryGetVref(watcher, out var wref) || !wref.StartsWith("o+d", StringComparison.Ordinal))
            throw new ArgumentException("a promise watcher must be an instance of a durable kind whose behaviour implements IPromiseWatcher");
        var vpid = VpidFor(promise);
        var e = _byVpid[vpid];
        if (e.Decided && !e.Subscribed)
        {
            // subscribing to its own promise is what makes the upgrade keep the c-list entry for the notify
            syscalls().Subscribe(vpid);
            e.Subscribed = true;
        }
        var key = "watch." + vpid;
        var list = store.Get(key) is { } raw ? [.. (IReadOnlyList<object?>)marshaller().ReadStored(raw)!] : new List<object?>();
        list.Add(new object?[] { watcher, args });
        marshaller().WriteStored(key, list, durable: true);
        Watched.Add(vpid);
    }

    // the vpids that have watchers (watch.VPID keys), read once per incarnation, so a settlement without watchers
    // costs no vatstore read
    private HashSet<string>? _watched;

    private HashSet<string> Watched => _watched ??= [.. store.KeysWithPrefix("watch.").Select(k => k["watch.".Length..])];

    private void FireWatchers(string vpid, bool rejected, object? value)
    {
        if (!Watched.Remove(vpid)) return;
        var key = "watch." + vpid;
        if (store.Get(key) is not { } raw) return;
        var list = (IReadOnlyList<object?>)marshaller().ReadStored(raw)!;
        marshaller().DeleteStored(key);
        foreach (var item in list)
        {
            if (item is not IReadOnlyList<object?> { Count: 2 } pair || pair[0] is not IPromiseWatcher w) continue;
            var args = pair[1] as IReadOnlyList<object?> ?? [];
            turns.Post(_ =>
            {
                try
                {
                    if (rejected) w.OnRejected(value, args);
                    else w.OnFulfilled(value, args);
                }
                catch (Exception ex) when (ex is not IllegalSyscallException and not VatExitException)
                {
                    // as in JavaScript, a failing reaction is an unhandled rejection, not the vat's death
                }
            }, null);
        }
    }

    // ---------------- durable promises ----------------

    // dp.VPID holds "pending", or the settlement as stored data ["settled", rejected, value] ("settled" alone when the
    // value cannot be stored); the DurablePromise objects of this incarnation are held here, so whether one is made
    // anew never depends on the garbage collector
    private readonly Dictionary<string, DurablePromise> _durables = new(StringComparer.Ordinal);
    private readonly HashSet<string> _durableResolving = new(StringComparer.Ordinal);

    public DurablePromise MakeDurable()
    {
        var vpid = NewVpid();
        syscalls().MarkPromiseDurable(vpid);
        store.Set("dp." + vpid, "pending");
        return Durable(vpid);
    }

    private DurablePromise Durable(string vpid)
    {
        var source = NewSource();
        var dp = new DurablePromise(this, vpid, source.Task);
        Add(new Entry(vpid) { Source = source, Task = source.Task, Decided = true, Subscribed = false, Durable = dp });
        _durables[vpid] = dp;
        return dp;
    }

    private void RecordDurableSettlement(string vpid, bool rejected, object? value)
    {
        _durableResolving.Remove(vpid);
        store.Delete("dp." + vpid);   // "pending" is not stored data
        try
        {
            marshaller().WriteStored("dp." + vpid, new object?[] { "settled", rejected, value }, durable: true);
        }
        catch (NotPassableException)
        {
            store.Set("dp." + vpid, "settled");
        }
    }

    /// <summary>A durable promise read back from stored data.</summary>
    public DurablePromise DurableFor(string vpid)
    {
        if (_durables.TryGetValue(vpid, out var known)) return known;
        var raw = store.Get("dp." + vpid) ?? throw new InvalidOperationException($"stored data names {vpid}, which is not a durable promise");
        if (raw == "pending") return Durable(vpid);
        Task<object?> settled;
        if (raw == "settled")
            settled = Task.FromException<object?>(new VatRejectedException(new PassableError("Error", $"durable promise {vpid} was settled with a value that could not be kept")));
        else if (marshaller().ReadStored(raw) is IReadOnlyList<object?> { Count: 3 } record && record[1] is bool rejected)
            settled = rejected ? Task.FromException<object?>(new VatRejectedException(record[2])) : Task.FromResult(record[2]);
        else
            throw new InvalidOperationException($"corrupt durable promise record for {vpid}");
        var dp = new DurablePromise(this, vpid, settled);
        _durables[vpid] = dp;
        return dp;
    }

    public bool IsDurablePending(string vpid) => !_durableResolving.Contains(vpid) && store.Get("dp." + vpid) == "pending";

    /// <summary>The vpid to pass for a durable promise: its own while pending, else a new promise settled the same way.</summary>
    public string VpidForDurable(DurablePromise dp) => IsDurablePending(dp.Vpid) || _durableResolving.Contains(dp.Vpid) ? dp.Vpid : VpidFor(dp.Promise);

    public void SettleDurable(DurablePromise dp, bool rejected, object? value)
    {
        if (!IsDurablePending(dp.Vpid)) throw new InvalidOperationException($"durable promise {dp.Vpid} is already settled");
        if (!_byVpid.ContainsKey(dp.Vpid)) Durable(dp.Vpid);
        // first resolution wins, also while it follows a promise it was resolved to
        if (!rejected && value is Task) _durableResolving.Add(dp.Vpid);
        Settle(dp.Vpid, (rejected, value));
    }
}
