using ActorSwingSet.Kernel.State;
using ActorSwingSet.Liveslots;
using ActorSwingSet.Marshal;
using ActorSwingSet.References;
using ActorSwingSet.Vat;
using Xunit;
using static ActorSwingSet.Liveslots.Eventual;

namespace ActorSwingSet.Tests.Liveslots;

public sealed class ThrowingWatcher(ObjectState s) : IPromiseWatcher
{
    public void OnFulfilled(object? value, IReadOnlyList<object?> args) => throw new InvalidOperationException("watcher bug");
    public void OnRejected(object? reason, IReadOnlyList<object?> args) => s.Set("seen", "rejected");
}

public sealed class ReviewVat : IVat
{
    public object BuildRootObject(VatPowers powers, object? vatParameters, Baggage baggage) =>
        new ReviewRoot(powers, baggage, powers.DefineDurableKind("dw", s => new ThrowingWatcher(s)), powers.DefineKind("vw", s => new ThrowingWatcher(s)));
}

[Far("review")]
public sealed class ReviewRoot(VatPowers powers, Baggage baggage, Kind<ThrowingWatcher> durableWatchers, Kind<ThrowingWatcher> virtualWatchers)
{
    public string Ping() => "pong";

    public void ThrowingWatcher()
    {
        var kit = powers.MakePromiseKit();
        powers.WatchPromise(kit.Promise, durableWatchers.Make(("x", 1L)));
        kit.Resolve(1L);
    }

    public void VirtualWatcher() => powers.WatchPromise(powers.MakePromiseKit().Promise, virtualWatchers.Make(("x", 1L)));

    public void MakeDurable() => baggage.Init("dp", powers.MakeDurablePromise());
    public void SettleDurable() => baggage.Get<DurablePromise>("dp").Resolve("v");
    public object? PassDurable() => Passable.Record(("p", baggage.Get<DurablePromise>("dp")));

    public void ResolveDurableTwice()
    {
        var dp = powers.MakeDurablePromise();
        baggage.Set("dp2", dp);
        dp.Resolve(powers.MakePromiseKit().Promise);   // follows a promise that never settles
        dp.Resolve("second");
    }

    public void Forge(Presence vatAdmin, string vatId) => E(vatAdmin).SendOnly("vatTerminated", vatId, false, "forged");

    public object? Lazy() => Enumerable.Range(0, 3).Select<int, object?>(i => i < 2 ? (long)i : throw new InvalidOperationException("lazy failure"));
}

/// <summary>Regression tests for the findings of a review of the C# vat layer.</summary>
public sealed class LiveslotsReviewTests : LiveslotsKernelTest
{
    private Task StartReview() => Start(new VatBundleRegistry()
        .RegisterVat<ParentVat>("parent").RegisterVat<ExitingVat>("exiter").RegisterVat<ReviewVat>("review"),
        ("parent", "parent"), ("review", "review"));

    [Fact]
    public async Task A_settled_durable_promise_passes_as_a_settled_promise_not_a_retired_vpid()
    {
        await StartReview();
        await Fulfilled("review", "makeDurable");
        await Fulfilled("review", "settleDurable");
        var status = await Call("review", "passDurable");
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
        await StartReview();
        await Fulfilled("review", "throwingWatcher");
        Assert.Equal("pong", await Fulfilled("review", "ping"));
        var refused = Assert.IsType<PassableError>(await Rejected("review", "virtualWatcher"));
        Assert.Contains("durable kind", refused.Message);
        await AuditClean();
    }

    [Fact]
    public async Task Done_after_an_exit_is_the_same_whether_or_not_the_garbage_collector_ran()
    {
        await StartReview();
        var admin = await Kernel.GetVatAdminServiceAsync();
        await Fulfilled("parent", "create", admin, "kid", "exiter", null);
        await Fulfilled("parent", "ask", "kid", "quit", new object?[] { "bye" });
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.Equal(new object?[] { "fulfilled", "bye" }, List(await Fulfilled("parent", "done", "kid")));
        await AuditClean();
    }

    [Fact]
    public async Task A_forged_vatTerminated_does_not_settle_a_live_vats_done_promise()
    {
        await StartReview();
        var admin = await Kernel.GetVatAdminServiceAsync();
        await Fulfilled("parent", "create", admin, "kid", "exiter", null);
        var done = await Kernel.QueueToVatRootAsync("parent", "done", "kid");
        var kidId = System.Text.Json.JsonSerializer.Deserialize<string[]>((await Kernel.DumpAsync())["vat.dynamicIDs"])![0];
        await Fulfilled("review", "forge", admin, kidId);
        Assert.Equal(PromiseState.Unresolved, (await Kernel.GetPromiseAsync(done)).State);
        await Fulfilled("parent", "ask", "kid", "quit", new object?[] { "real" });
        Assert.Equal(new object?[] { "fulfilled", "real" }, List((await Kernel.GetPromiseAsync(done)).Resolution));
        await AuditClean();
    }

    [Fact]
    public async Task A_durable_promise_resolved_to_a_promise_cannot_be_resolved_again()
    {
        await StartReview();
        Assert.Contains("already settled", Assert.IsType<PassableError>(await Rejected("review", "resolveDurableTwice")).Message);
        Assert.Equal("pong", await Fulfilled("review", "ping"));
        await AuditClean();
    }

    [Fact]
    public async Task A_result_that_fails_while_being_marshalled_rejects_instead_of_killing_the_vat()
    {
        await StartReview();
        Assert.Contains("lazy failure", Assert.IsType<PassableError>(await Rejected("review", "lazy")).Message);
        Assert.Equal("pong", await Fulfilled("review", "ping"));
        await AuditClean();
    }
}
