using ActorSwingSet.TestKit.Tests.Support;
using ExampleVats;
using Xunit;
using Xunit.Sdk;

namespace ActorSwingSet.TestKit.Tests;

/// <summary>The dump diff, the assertion helpers and their failure messages.</summary>
public sealed class InspectionTests : SwingSetTestKit
{
    private Task<TestKernel> StartBankAsync() =>
        StartKernelAsync(k => k.Vat<BankV1>("bank-v1").StaticVat("bank", "bank-v1"));

    [Fact]
    public void A_dump_diff_lists_added_removed_and_changed_keys_one_a_line()
    {
        var before = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2", ["c"] = "3", ["kernelStats"] = "{}" };
        var after = new Dictionary<string, string> { ["a"] = "1", ["b"] = "20", ["d"] = "4", ["kernelStats"] = "{\"x\":1}" };

        var diff = KvDiff.Between(before, after, "kernelStats");

        Assert.Equal(["d"], diff.Added);
        Assert.Equal(["c"], diff.Removed);
        Assert.Equal(["b"], diff.Changed);
        Assert.Equal("3 key(s) differ: 1 added, 1 removed, 1 changed\n~ b: 2 -> 20\n- c = 3\n+ d = 4", diff.ToString());
        Assert.Equal(["kernelStats"], KvDiff.Between(before, after, "a", "b", "c", "d").Changed);
        Assert.True(KvDiff.Between(before, before).IsEmpty);
        Assert.Equal("no differences", KvDiff.Between(before, before).ToString());
    }

    [Fact]
    public void A_long_diff_lists_the_first_keys_and_counts_the_rest()
    {
        var after = Enumerable.Range(0, KvDiff.MaxListedKeys + 7).ToDictionary(i => $"k{i:D3}", i => "v");

        var text = KvDiff.Between(new Dictionary<string, string>(), after).ToString().Split('\n');

        Assert.Equal($"{KvDiff.MaxListedKeys + 7} key(s) differ: {KvDiff.MaxListedKeys + 7} added, 0 removed, 0 changed", text[0]);
        Assert.Equal("+ k000 = v", text[1]);
        Assert.Equal("... and 7 more", text[^1]);
        Assert.Equal(KvDiff.MaxListedKeys + 2, text.Length);
    }

    [Fact]
    public async Task Comparing_dumps_of_a_kernel_shows_what_a_deposit_changed()
    {
        var kernel = await StartBankAsync();
        var account = await kernel.CallAsync<Kref>("bank", "open", "alice");
        var before = await kernel.DumpAsync();
        var bankId = (await kernel.VatAsync("bank")).VatId;

        await kernel.CallAsync(account, "deposit", 5L);
        var after = await kernel.DumpAsync();

        var error = Assert.Throws<XunitException>(() => SwingSetAssert.DumpsEqual(before, after, "kernelStats", "crankNumber"));
        Assert.StartsWith("kernel states differ (- expected, + actual):\n", error.Message, StringComparison.Ordinal);
        // the account's durable state changed in the bank's vatstore...
        var account0 = Assert.Single(KvDiff.Between(before, after).Changed, k => k.StartsWith(bankId + ".vs.vom.o+d", StringComparison.Ordinal));
        Assert.Contains($"~ {account0}: ", error.Message, StringComparison.Ordinal);
        // ...and the deposit's result promise was added, settled and held by the host
        var diff = KvDiff.Between(before, after, "kernelStats", "crankNumber");
        Assert.Contains(diff.Added, k => k.EndsWith(".state", StringComparison.Ordinal) && after[k] == "fulfilled");
        SwingSetAssert.DumpsEqual(before, before);
    }

    [Fact]
    public async Task The_audit_helper_fails_on_an_inconsistent_dump_with_the_report()
    {
        var kernel = await StartBankAsync();
        var account = await kernel.CallAsync<Kref>("bank", "open", "alice");
        var dump = await kernel.DumpAsync();
        SwingSetAssert.AuditClean(dump);

        var broken = new Dictionary<string, string>(dump) { [$"{account}.refCount"] = "7,7" };
        var error = Assert.Throws<KernelAuditException>(() => SwingSetAssert.AuditClean(broken));

        Assert.StartsWith("audit found 1 violation(s)", error.Message, StringComparison.Ordinal);
        Assert.Contains($"I1: {account}.refCount is 7,7, recount finds ", error.Message, StringComparison.Ordinal);
        await kernel.AssertAuditCleanAsync();
    }

    [Fact]
    public async Task A_call_that_settled_otherwise_fails_with_a_message_naming_the_call()
    {
        var kernel = await StartBankAsync();
        var account = await kernel.CallAsync<Kref>("bank", "open", "alice");

        var rejected = await kernel.CallAsync(account, "deposit", -5L);
        var fulfilled = await kernel.CallAsync("bank", "version");

        Assert.Equal($"{account}.deposit(-5) was expected to be fulfilled, but it was rejected with RangeError('deposits must be positive (Parameter 'amount')')",
            Assert.Throws<XunitException>(() => rejected.AssertFulfilled()).Message);
        Assert.Equal("bank.version() was expected to be rejected, but it was fulfilled with 'v1'",
            Assert.Throws<XunitException>(() => fulfilled.AssertRejected()).Message);
        Assert.StartsWith("bank.version() was fulfilled with 'v1', which is not a Int64",
            Assert.Throws<XunitException>(() => fulfilled.AssertFulfilled<long>()).Message, StringComparison.Ordinal);
        Assert.Equal("bank.version(): fulfilled with 'v1'", fulfilled.ToString());
    }

    [Fact]
    public async Task A_promise_nobody_settles_is_reported_unresolved()
    {
        var kernel = await StartKernelAsync(k => k.Vat<WaiterVat>("waiter").StaticVat("waiter", "waiter"));

        var wait = await kernel.CallAsync("waiter", "wait");

        Assert.Equal($"waiter.wait() was expected to be fulfilled, but its result {wait.Promise} is still unresolved after the kernel went quiet",
            Assert.Throws<XunitException>(() => wait.AssertFulfilled()).Message);
        var status = await kernel.PromiseAsync(wait.Promise);
        Assert.Equal((await kernel.VatAsync("waiter")).VatId, status.Decider);
        Assert.Null(status.Resolution);
    }

    [Fact]
    public async Task A_kernel_that_never_goes_quiet_fails_the_test_at_the_crank_limit()
    {
        var kernel = await StartKernelAsync(k => k.Vat<PingPongVat>("player").StaticVat("a", "player").StaticVat("b", "player").CrankLimit(50));

        var b = await kernel.RootAsync("b");

        var error = await Assert.ThrowsAsync<XunitException>(() => kernel.CallAsync("a", "ping", b));

        Assert.Equal($"kernel {kernel.Name} did not go quiet within 50 cranks (raise it with TestKernelBuilder.CrankLimit if that is expected)", error.Message);
        Assert.Equal(10L, await kernel.RunAsync(maxCranks: 10));
    }

    [Fact]
    public async Task An_upgrade_that_does_not_succeed_fails_AssertSucceeded_with_its_reason()
    {
        var kernel = await StartKernelAsync(k => k
            .Vat<BankV1>("bank-v1")
            .Vat("bank-broken", (_, _, _) => throw new InvalidOperationException("cannot start"))
            .StaticVat("bank", "bank-v1"));

        var upgrade = await kernel.UpgradeAsync("bank", "bank-broken");

        Assert.Equal("the upgrade of bank to bank-broken was expected to succeed, but it ended with Error('vat-upgrade failure')",
            Assert.Throws<XunitException>(() => upgrade.AssertSucceeded()).Message);
        Assert.Equal("upgrade of bank to bank-broken: rejected with Error('vat-upgrade failure')", upgrade.ToString());
    }
}
