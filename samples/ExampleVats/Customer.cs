using ActorSwingSet.Vats;
using static ActorSwingSet.Vats.Eventual;

namespace ExampleVats;

/// <summary>A customer vat: opens an account at a bank it is given and moves money with eventual sends.</summary>
public sealed class CustomerVat : IVat
{
    public object BuildRootObject(VatPowers powers, object? vatParameters, Baggage baggage) => new Customer(baggage);
}

[Far("Customer")]
public sealed class Customer(Baggage baggage)
{
    /// <summary>Opens an account (kept in baggage, so it survives this vat's upgrades too) and deposits into it.</summary>
    public async Task<long> Join(Presence bank, string name, long deposit)
    {
        var account = (Presence)(await E(bank).Call("open", name))!;
        baggage.Set("account", account);
        return await E(account).Call<long>("deposit", deposit);
    }

    /// <summary>Withdraws; a refusal comes back as a rejection, reported here as text.</summary>
    public async Task<string> Spend(long amount)
    {
        try
        {
            var left = await E(baggage.Get("account")!).Call<long>("withdraw", amount);
            return $"spent {amount}, {left} left";
        }
        catch (VatRejectedException e)
        {
            return $"refused: {e.Message}";
        }
    }

    public Task<long> Balance() => E(baggage.Get("account")!).Call<long>("balance");
}
