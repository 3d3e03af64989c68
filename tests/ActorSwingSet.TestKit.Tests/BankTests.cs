using ExampleVats;
using Xunit;

namespace ActorSwingSet.TestKit.Tests;

/// <summary>The example vats (samples/ExampleVats) tested with the test kit: the bank, its upgrade, a customer.</summary>
public sealed class BankTests : SwingSetTestKit
{
    private Task<TestKernel> StartBankAsync() => StartKernelAsync(k => k
        .Vat<BankV1>("bank-v1")
        .Vat<BankV2>("bank-v2")
        .Vat<CustomerVat>("customer")
        .Vat("bank-broken", (_, _, _) => throw new InvalidOperationException("this version cannot start"))
        .StaticVat("bank", "bank-v1")
        .StaticVat("alice", "customer"));

    [Fact]
    public async Task The_upgrade_keeps_the_accounts_with_their_identity_and_balances()
    {
        var kernel = await StartBankAsync();
        Assert.Equal(100L, await kernel.CallAsync<long>("alice", "join", await kernel.RootAsync("bank"), "alice", 100L));
        var account = await kernel.CallAsync<Kref>("bank", "open", "bob");
        Assert.Equal(-20L, await kernel.CallAsync<long>(account, "withdraw", 20L));
        var exportsBefore = (await kernel.CListAsync("bank")).Where(e => e.Vref.StartsWith("o+d", StringComparison.Ordinal)).ToList();

        Assert.Equal(1L, (await kernel.UpgradeAsync("bank", "bank-v2")).AssertSucceeded());

        Assert.Equal(1L, await kernel.IncarnationAsync("bank"));
        Assert.Equal("v2", await kernel.CallAsync<string>("bank", "version"));
        Assert.Equal(2L, await kernel.CallAsync<long>("bank", "accountCount"));
        Assert.Equal(100L, await kernel.CallAsync<long>("alice", "balance"));
        Assert.Equal(-20L, await kernel.CallAsync<long>(account, "balance"));
        // both accounts are still exported under the same krefs and durable vrefs
        Assert.Equal(2, exportsBefore.Count);
        Assert.Subset(new HashSet<CListEntry>(await kernel.CListAsync("bank")), new HashSet<CListEntry>(exportsBefore));
        Assert.Equal("""{"body":"#2","slots":[]}""", (await kernel.VatstoreAsync("bank"))["baggage.accounts"]);
    }

    [Fact]
    public async Task Version_2_refuses_an_overdraft_that_version_1_allowed()
    {
        var kernel = await StartBankAsync();
        await kernel.CallAsync("alice", "join", await kernel.RootAsync("bank"), "alice", 100L);
        Assert.Equal("spent 150, -50 left", await kernel.CallAsync<string>("alice", "spend", 150L));

        (await kernel.UpgradeAsync("bank", "bank-v2")).AssertSucceeded();

        Assert.Equal("refused: Error: insufficient funds", await kernel.CallAsync<string>("alice", "spend", 10L));
        var account = await kernel.CallAsync<Kref>("bank", "open", "bob");
        var overdraft = await kernel.CallAsync(account, "withdraw", 1L);
        Assert.Equal(new PassableError("Error", "insufficient funds"), overdraft.AssertRejected());
        Assert.Equal(new PassableError("RangeError", "deposits must be positive (Parameter 'amount')"),
            (await kernel.CallAsync(account, "deposit", -5L)).AssertRejected());
    }

    [Fact]
    public async Task A_failing_upgrade_is_rolled_back_and_the_old_incarnation_still_answers()
    {
        var kernel = await StartBankAsync();
        await kernel.CallAsync("alice", "join", await kernel.RootAsync("bank"), "alice", 100L);
        var vatstoreBefore = await kernel.VatstoreAsync("bank");
        var clistBefore = await kernel.CListAsync("bank");

        var upgrade = await kernel.UpgradeAsync("bank", "bank-broken");

        Assert.False(upgrade.Succeeded);
        Assert.Equal(new PassableError("Error", "vat-upgrade failure"), upgrade.AssertFailed());
        Assert.Equal(0L, await kernel.IncarnationAsync("bank"));
        Assert.Equal("bank-v1", (await kernel.VatAsync("bank")).BundleName);
        SwingSetAssert.DumpsEqual(vatstoreBefore, await kernel.VatstoreAsync("bank"));
        Assert.Equal(clistBefore, await kernel.CListAsync("bank"));
        // version 1 still runs: it answers, and it still allows overdrafts
        Assert.Equal("v1", await kernel.CallAsync<string>("bank", "version"));
        Assert.Equal("spent 150, -50 left", await kernel.CallAsync<string>("alice", "spend", 150L));
        // and a good upgrade still works afterwards
        Assert.Equal(1L, (await kernel.UpgradeAsync("bank", "bank-v2")).AssertSucceeded());
        Assert.Equal(-50L, await kernel.CallAsync<long>("alice", "balance"));
    }

    [Fact]
    public async Task A_call_between_vats_can_be_stepped_crank_by_crank()
    {
        var kernel = await StartBankAsync();
        var crankBefore = (await kernel.StatsAsync()).CrankNumber;
        var join = await kernel.QueueAsync("alice", "join", await kernel.RootAsync("bank"), "alice", 100L);

        var steps = 0;
        var unresolvedSteps = 0;
        while (await kernel.StepAsync())
        {
            steps++;
            if ((await kernel.PromiseAsync(join)).State == PromiseState.Unresolved) unresolvedSteps++;
        }

        Assert.False(await kernel.StepAsync());
        Assert.Equal(crankBefore + steps, (await kernel.StatsAsync()).CrankNumber);
        // alice's join needs her delivery, the bank's open, alice's deposit and their answers: many cranks, and
        // the promise settles only in the last crank that does anything for it
        Assert.True(steps >= 6, $"{steps} steps");
        Assert.True(unresolvedSteps >= 5, $"{unresolvedSteps} unresolved steps of {steps}");
        var status = await kernel.PromiseAsync(join);
        Assert.Equal(PromiseState.Fulfilled, status.State);
        Assert.Equal(100L, status.Resolution);
    }

    [Fact]
    public async Task A_run_with_a_crank_limit_stops_there_and_a_run_to_quiescence_finishes()
    {
        var kernel = await StartBankAsync();
        var join = await kernel.QueueAsync("alice", "join", await kernel.RootAsync("bank"), "alice", 100L);

        Assert.Equal(2L, await kernel.RunAsync(maxCranks: 2));
        Assert.Equal(PromiseState.Unresolved, (await kernel.PromiseAsync(join)).State);
        var rest = await kernel.RunToQuiescenceAsync();

        Assert.True(rest > 0);
        Assert.Equal(0L, await kernel.RunAsync(maxCranks: 10));
        Assert.Equal(100L, (await kernel.PromiseAsync(join)).Resolution);
    }

    [Fact]
    public async Task A_customer_imports_its_account_and_the_host_sees_it_in_the_c_lists()
    {
        var kernel = await StartBankAsync();
        await kernel.CallAsync("alice", "join", await kernel.RootAsync("bank"), "alice", 100L);

        var bank = await kernel.CListAsync("bank");
        var alice = await kernel.CListAsync("alice");
        var account = Assert.Single(bank, e => e.Vref.StartsWith("o+d", StringComparison.Ordinal)).Kref;
        var imported = Assert.Single(alice, e => e.Kref == account);
        Assert.StartsWith("o-", imported.Vref, StringComparison.Ordinal);
        Assert.True(imported.Reachable);
        Assert.Contains(await kernel.RootAsync("bank"), alice.Select(e => e.Kref));
        Assert.Contains("baggage.account", (await kernel.VatstoreAsync("alice")).Keys);
    }
}
