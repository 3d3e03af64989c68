using ActorSwingSet.Vats;

namespace ExampleVats;

/// <summary>
/// A bank service, version 1. Accounts are durable objects: customers keep them across upgrades of the bank, with
/// their balances. Version 1 lets an account go overdrawn.
/// </summary>
public sealed class BankV1 : IVat
{
    public object BuildRootObject(VatPowers powers, object? vatParameters, Baggage baggage)
    {
        var accounts = powers.DefineDurableKind("Account", state => new Account(state, allowOverdraft: true));
        return new Bank(baggage, accounts, "v1");
    }
}

/// <summary>Version 2: the same accounts (the durable kind is re-bound by its tag), and no more overdrafts.</summary>
public sealed class BankV2 : IVat
{
    public object BuildRootObject(VatPowers powers, object? vatParameters, Baggage baggage)
    {
        var accounts = powers.DefineDurableKind("Account", state => new Account(state, allowOverdraft: false));
        return new Bank(baggage, accounts, "v2");
    }
}

/// <summary>The bank's root object.</summary>
[Far("Bank")]
public sealed class Bank(Baggage baggage, Kind<Account> accounts, string version)
{
    public string Version() => version;

    public Account Open(string owner)
    {
        baggage.Set("accounts", AccountCount() + 1);
        return accounts.Make(("owner", owner), ("balance", 0L));
    }

    public long AccountCount() => baggage.GetOrDefault("accounts", 0L);
}

/// <summary>An account: behaviour around durable state (owner, balance).</summary>
public sealed class Account(ObjectState state, bool allowOverdraft)
{
    public string Owner() => state.Get<string>("owner");

    public long Balance() => state.Get<long>("balance");

    public long Deposit(long amount)
    {
        if (amount <= 0) throw new ArgumentOutOfRangeException(nameof(amount), "deposits must be positive");
        state.Set("balance", Balance() + amount);
        return Balance();
    }

    public long Withdraw(long amount)
    {
        if (!allowOverdraft && amount > Balance()) throw new InvalidOperationException("insufficient funds");
        state.Set("balance", Balance() - amount);
        return Balance();
    }
}
