using System.Globalization;
using ActorSwingSet.Vat;
using ActorSwingSet.Vats;

namespace ActorSwingSet.Liveslots;

/// <summary>
/// What vat code sends out (SwingSet's liveslots <c>queueMessage</c> and <c>exit</c>): eventual sends to presences,
/// promises and the vat's own objects, the exit syscall and the vat-admin syscall. Built from the syscalls of the
/// running delivery, the promise-number allocator, the marshaller, the promise and export tables, and the turn queue
/// (a send to one of the vat's own objects runs in a later turn).
/// </summary>
internal sealed class EventualSender(
    Func<IVatSyscalls> syscalls, Func<long> nextPromiseId, Marshaller marshaller, PromiseTable promises, ExportTable exports, VatTurnContext turns)
{
    /// <summary>An eventual send from vat code (see <see cref="Eventual.E"/>).</summary>
    public Task<object?>? Send(object target, string method, object?[] args, bool wantResult)
    {
        ArgumentNullException.ThrowIfNull(method);
        string targetVref;
        switch (target)
        {
            case Presence p:
                if (!ReferenceEquals(p.Owner, exports)) throw new ArgumentException($"{p} belongs to another vat");
                targetVref = p.Vref;
                break;
            case DurablePromise dp:
                targetVref = promises.VpidForDurable(dp);
                break;
            case Task t:
                targetVref = promises.VpidFor(t);
                break;
            default:
                if (!exports.IsRemotable(target)) throw new NotPassableException($"cannot send to a {target.GetType().Name}: not a presence, a promise or a remotable");
                return SendLocal(target, method, args, wantResult);
        }
        var methargs = marshaller.Methargs(method, args);
        if (!wantResult)
        {
            syscalls().Send(targetVref, methargs);
            return null;
        }
        var resultVpid = NewVpid();
        syscalls().Send(targetVref, methargs, resultVpid);
        return promises.TaskFor(resultVpid);
    }

    /// <summary>An eventual send to one of the vat's own objects: the call runs in a later turn.</summary>
    private Task<object?>? SendLocal(object target, string method, object?[] args, bool wantResult)
    {
        var kit = new PromiseKit();
        turns.Post(_ =>
        {
            try
            {
                var returned = MethodDispatcher.Invoke(target, method, args);
                if (returned is Task t) t.GetAwaiter().OnCompleted(() =>
                {
                    var (rejected, value) = PromiseTable.Outcome(t);
                    if (rejected) kit.Reject(value); else kit.Resolve(value);
                });
                else kit.Resolve(returned);
            }
            catch (Exception e) when (e is not IllegalSyscallException and not VatExitException)
            {
                kit.Reject(Rejection.Reason(e));
            }
        }, null);
        return wantResult ? kit.Promise : null;
    }

    /// <summary>The exit syscall; a failure also unwinds the delivery.</summary>
    public void Exit(bool isFailure, object? value)
    {
        syscalls().Exit(isFailure, marshaller.ToCapData(value));
        if (isFailure) throw new VatExitException();
    }

    /// <summary>The kernel's vat-admin syscall (only the vat-admin vat may make it); the task settles with the outcome.</summary>
    public Task<object?> CallVatAdmin(string operation, params object?[] args)
    {
        var vpid = NewVpid();
        ((IVatAdminSyscalls)syscalls()).CallVatAdmin(marshaller.Methargs(operation, args), vpid);
        return promises.TaskFor(vpid);
    }

    private string NewVpid() => "p+" + nextPromiseId().ToString(CultureInfo.InvariantCulture);
}
