using ActorSwingSet;
using ActorSwingSet.TestKit;
using ExampleVats;
using Xunit;

public sealed class BankUpgradeTest : SwingSetTestKit
{
    [Fact]
    public async Task Accounts_survive_the_upgrade_and_v2_refuses_overdrafts()
    {
        var kernel = await StartKernelAsync(k => k
            .Vat<BankV1>("bank-v1").Vat<BankV2>("bank-v2").StaticVat("bank", "bank-v1"));
        var account = await kernel.CallAsync<Kref>("bank", "open", "alice");
        await kernel.CallAsync(account, "deposit", 100L);

        var upgrade = await kernel.UpgradeAsync("bank", "bank-v2");

        Assert.Equal(1L, upgrade.AssertSucceeded());
        Assert.Equal(100L, await kernel.CallAsync<long>(account, "balance"));
        var overdraft = await kernel.CallAsync(account, "withdraw", 500L);
        Assert.Equal(new PassableError("Error", "insufficient funds"), overdraft.AssertRejected());
    }   // then the base class audits the kernel: a broken invariant fails the test
}
