using Xunit;

namespace ActorSwingSet.Tests.Liveslots;

/// <summary>
/// A vat's promises at their edges: a settled durable promise passes as settled and cannot be resolved again, and a
/// throwing watcher or a result that fails to marshal rejects without killing the vat (watchers must be durable).
/// </summary>
public sealed class VatPromiseTests : LiveslotsKernelTest
{
    private Task StartVats() => Start(new VatBundleRegistry()
        .RegisterVat<ParentVat>("parent").RegisterVat<ExitingVat>("exiter").RegisterVat<PromiseEdgeVat>("edges"),
        ("parent", "parent"), ("edges", "edges"));

    [Fact]
    public async Task A_settled_durable_promise_passes_as_a_settled_promise_not_a_retired_vpid()
    {
        await StartVats();
        await Fulfilled("edges", "makeDurable");
        await Fulfilled("edges", "settleDurable");
        var status = await Call("edges", "passDurable");
        var p = Assert.IsType<Kref>(Rec(status.Resolution)["p"]);
        var passed = await Kernel.GetPromiseAsync(p);
        Assert.Equal(PromiseState.Fulfilled, passed.State);
        Assert.Equal("v", passed.Resolution);
        await Kernel.ReleasePromiseAsync(status.Kpid);
        await AuditClean();
    }

    [Fact]
    public async Task A_watcher_that_throws_does_not_kill_the_vat_and_watchers_must_be_durable()
    {
        await StartVats();
        await Fulfilled("edges", "throwingWatcher");
        Assert.Equal("pong", await Fulfilled("edges", "ping"));
        var refused = Assert.IsType<PassableError>(await Rejected("edges", "virtualWatcher"));
        Assert.Contains("durable kind", refused.Message);
        await AuditClean();
    }

    [Fact]
    public async Task A_durable_promise_resolved_to_a_promise_cannot_be_resolved_again()
    {
        await StartVats();
        Assert.Contains("already settled", Assert.IsType<PassableError>(await Rejected("edges", "resolveDurableTwice")).Message);
        Assert.Equal("pong", await Fulfilled("edges", "ping"));
        await AuditClean();
    }

    [Fact]
    public async Task A_result_that_fails_while_being_marshalled_rejects_instead_of_killing_the_vat()
    {
        await StartVats();
        Assert.Contains("lazy failure", Assert.IsType<PassableError>(await Rejected("edges", "lazy")).Message);
        Assert.Equal("pong", await Fulfilled("edges", "ping"));
        await AuditClean();
    }
}
