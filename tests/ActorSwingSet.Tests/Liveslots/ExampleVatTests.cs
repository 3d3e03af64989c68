using ExampleVats;
using Xunit;

namespace ActorSwingSet.Tests.Liveslots;

/// <summary>The README's example vats (samples/ExampleVats): a bank, its upgrade, and a customer.</summary>
public sealed class ExampleVatTests : LiveslotsKernelTest
{
    [Fact]
    public async Task Accounts_survive_the_bank_upgrade_and_v2_refuses_overdrafts()
    {
        await Start(new VatBundleRegistry().RegisterVat<BankV1>("bank-v1").RegisterVat<BankV2>("bank-v2").RegisterVat<CustomerVat>("customer"),
            ("bank", "bank-v1"), ("alice", "customer"));
        Assert.Equal(100L, await Fulfilled("alice", "join", await Root("bank"), "alice", 100L));
        Assert.Equal("spent 150, -50 left", await Fulfilled("alice", "spend", 150L));
        var bankId = (await Kernel.GetVatInfoAsync("bank")).VatId;
        var accountsBefore = (await Kernel.DumpAsync()).Where(kv => kv.Key.StartsWith($"{bankId}.c.ko", StringComparison.Ordinal)).ToList();

        var upgrade = await Kernel.UpgradeVatAsync("bank", "bank-v2", upgradeMessage: "no more overdrafts");
        await Kernel.RunAsync();
        Assert.Equal(Passable.Record(("incarnationNumber", 1L)), Rec((await Kernel.GetPromiseAsync(upgrade)).Resolution));
        Assert.Equal("v2", await Fulfilled("bank", "version"));
        Assert.Equal("refused: Error: insufficient funds", await Fulfilled("alice", "spend", 10L));
        Assert.Equal(-50L, await Fulfilled("alice", "balance"));
        Assert.Equal(1L, await Fulfilled("bank", "accountCount"));
        // the account kept its kref: the bank's c-list still exports it under the same durable vref
        var accountsAfter = (await Kernel.DumpAsync()).Where(kv => kv.Key.StartsWith($"{bankId}.c.ko", StringComparison.Ordinal)).ToList();
        Assert.Contains(accountsBefore.Single(kv => kv.Value.Contains("o+d", StringComparison.Ordinal)), accountsAfter);
        Assert.Equal(ArgumentOutOfRangeName, await DepositError());
        await AuditClean();
    }

    private const string ArgumentOutOfRangeName = "RangeError";

    private async Task<string> DepositError()
    {
        var account = Assert.IsType<Kref>((await Call("bank", "open", "bob")).Resolution);
        var kp = await Kernel.QueueToKrefAsync(account, "deposit", -5L);
        await Kernel.RunAsync();
        return Assert.IsType<PassableError>((await Kernel.GetPromiseAsync(kp)).Resolution).Name;
    }
}
