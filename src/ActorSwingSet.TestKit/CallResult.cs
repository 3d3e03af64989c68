using Xunit.Sdk;

namespace ActorSwingSet.TestKit;

/// <summary>
/// The result promise of a call after the kernel ran to quiescence (<see cref="TestKernel.CallAsync(string, string, object[])"/>),
/// with assertions that fail the test with a message naming the call.
/// </summary>
public sealed class CallResult
{
    internal CallResult(string call, PromiseStatus status)
    {
        Call = call;
        Status = status;
    }

    /// <summary>The call, e.g. <c>bank.open('alice')</c>.</summary>
    public string Call { get; }

    /// <summary>The result promise's row in the kernel's promise table.</summary>
    public PromiseStatus Status { get; }

    /// <summary>The result promise.</summary>
    public Kref Promise => Status.Kpid;

    /// <summary>Fulfilled, rejected, or still unresolved once the kernel went quiet.</summary>
    public PromiseState State => Status.State;

    /// <summary>The fulfilment value or the rejection reason (references as <see cref="Kref"/>s); null while unresolved.</summary>
    public object? Value => Status.Resolution;

    /// <summary>Asserts the call was fulfilled and returns the value (records are dictionaries, lists are lists, references are <see cref="Kref"/>s).</summary>
    public object? AssertFulfilled()
    {
        if (State != PromiseState.Fulfilled) throw new XunitException($"{Call} was expected to be fulfilled, but {Outcome}");
        return Value;
    }

    /// <summary>Asserts the call was fulfilled and returns the value converted to <typeparamref name="T"/> (as <see cref="Passable.To{T}"/> converts).</summary>
    public T AssertFulfilled<T>()
    {
        var value = AssertFulfilled();
        try
        {
            return Passable.To<T>(value);
        }
        catch (InvalidCastException e)
        {
            throw new XunitException($"{Call} was fulfilled with {Passable.Format(value)}, which is not a {typeof(T).Name}: {e.Message}");
        }
    }

    /// <summary>Asserts the call was rejected and returns the reason (an error is a <see cref="PassableError"/>).</summary>
    public object? AssertRejected()
    {
        if (State != PromiseState.Rejected) throw new XunitException($"{Call} was expected to be rejected, but {Outcome}");
        return Value;
    }

    private string Outcome => State switch
    {
        PromiseState.Fulfilled => "it was fulfilled with " + Passable.Format(Value),
        PromiseState.Rejected => "it was rejected with " + Passable.Format(Value),
        _ => $"its result {Promise} is still unresolved after the kernel went quiet",
    };

    /// <summary>The call and how it settled, e.g. <c>bank.open('alice'): fulfilled with ko12</c>.</summary>
    public override string ToString() => State switch
    {
        PromiseState.Fulfilled => $"{Call}: fulfilled with {Passable.Format(Value)}",
        PromiseState.Rejected => $"{Call}: rejected with {Passable.Format(Value)}",
        _ => $"{Call}: unresolved",
    };
}

/// <summary>How an upgrade ended (<see cref="TestKernel.UpgradeAsync"/>).</summary>
public sealed class UpgradeResult
{
    internal UpgradeResult(string vat, string bundleName, PromiseState state, object? value)
    {
        Vat = vat;
        BundleName = bundleName;
        State = state;
        Value = value;
    }

    /// <summary>The vat that was upgraded (as the test named it).</summary>
    public string Vat { get; }

    /// <summary>The bundle it was upgraded to.</summary>
    public string BundleName { get; }

    /// <summary>The state of the upgrade's promise: fulfilled when the upgrade succeeded, rejected when it failed.</summary>
    public PromiseState State { get; }

    /// <summary>Whether the new incarnation started. A failed upgrade was rolled back: the old incarnation runs on.</summary>
    public bool Succeeded => State == PromiseState.Fulfilled;

    /// <summary>What the upgrade's promise settled to: <c>{incarnationNumber: N}</c>, or <c>Error('vat-upgrade failure')</c>.</summary>
    public object? Value { get; }

    /// <summary>Asserts the upgrade succeeded and returns the new incarnation number.</summary>
    public long AssertSucceeded()
    {
        if (!Succeeded || Value is not IReadOnlyDictionary<string, object?> record || record.GetValueOrDefault("incarnationNumber") is not long incarnation)
            throw new XunitException($"the upgrade of {Vat} to {BundleName} was expected to succeed, but it ended with {Passable.Format(Value)}");
        return incarnation;
    }

    /// <summary>Asserts the upgrade failed (and so was rolled back) and returns the reason it was rejected with.</summary>
    public object? AssertFailed()
    {
        if (State != PromiseState.Rejected)
            throw new XunitException($"the upgrade of {Vat} to {BundleName} was expected to fail, but it is {State.ToString().ToLowerInvariant()} with {Passable.Format(Value)}");
        return Value;
    }

    /// <summary>The upgrade and its outcome.</summary>
    public override string ToString() => $"upgrade of {Vat} to {BundleName}: {State.ToString().ToLowerInvariant()} with {Passable.Format(Value)}";
}
