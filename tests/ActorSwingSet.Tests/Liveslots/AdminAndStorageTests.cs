using ActorSwingSet.Tests.Support;
using ActorSwingSet.Vat;
using ActorSwingSet.Vats;
using Xunit;

namespace ActorSwingSet.Tests.Liveslots;

public sealed class VatAdminTests : LiveslotsKernelTest
{
    private async Task StartParent() => await Start(new VatBundleRegistry()
        .RegisterVat<ParentVat>("parent").RegisterVat<ExitingVat>("exiter").RegisterVat<CounterVatCode>("counter"),
        ("parent", "parent"));

    private async Task<Kref> Admin() => await Kernel.GetVatAdminServiceAsync();

    [Fact]
    public async Task A_vat_creates_a_vat_calls_it_and_learns_of_a_clean_exit()
    {
        await StartParent();
        var root = Assert.IsType<Kref>(await Fulfilled("parent", "create", await Admin(), "kid", "exiter", Passable.Record(("n", 7L))));
        Assert.Equal(Passable.Record(("n", 7L)), Rec(await Fulfilled("parent", "ask", "kid", "parameters", Array.Empty<object?>())));
        var done = await Kernel.QueueToVatRootAsync("parent", "done", "kid");
        await Kernel.RunAsync();
        Assert.Equal(PromiseState.Unresolved, (await Kernel.GetPromiseAsync(done)).State);
        await Fulfilled("parent", "ask", "kid", "quit", new object?[] { "bye" });
        Assert.Equal(new object?[] { "fulfilled", "bye" }, List((await Kernel.GetPromiseAsync(done)).Resolution));
        Assert.False((await Kernel.DumpAsync()).ContainsKey($"{root}.owner"));   // the kid's root is orphaned
        await AuditClean();
    }

    [Fact]
    public async Task Terminate_with_failure_rejects_the_done_promise_and_the_vats_promises()
    {
        await StartParent();
        await Fulfilled("parent", "create", await Admin(), "kid", "counter", null);
        var done = await Kernel.QueueToVatRootAsync("parent", "done", "kid");
        await Fulfilled("parent", "terminate", "kid", "enough");
        Assert.Equal(new object?[] { "rejected", "enough" }, List((await Kernel.GetPromiseAsync(done)).Resolution));
        Assert.Equal(new PassableError("Error", "vat terminated"), await Rejected("parent", "ask", "kid", "count", Array.Empty<object?>()));
        await AuditClean();
    }

    [Fact]
    public async Task A_crash_rejects_the_done_promise_with_the_reason()
    {
        await StartParent();
        await Fulfilled("parent", "create", await Admin(), "kid", "exiter", null);
        var done = await Kernel.QueueToVatRootAsync("parent", "done", "kid");
        await Call("parent", "ask", "kid", "crash", new object?[] { "fell over" });
        Assert.Equal(new object?[] { "rejected", "fell over" }, List((await Kernel.GetPromiseAsync(done)).Resolution));
        await AuditClean();
    }

    [Fact]
    public async Task Upgrade_through_the_admin_node_reports_the_incarnation_and_bad_bundles_reject()
    {
        await StartParent();
        await Fulfilled("parent", "create", await Admin(), "kid", "counter", null);
        await Fulfilled("parent", "ask", "kid", "increment", new object?[] { 3L });
        Assert.Equal(Passable.Record(("incarnationNumber", 1L)), Rec(await Fulfilled("parent", "upgrade", "kid", "counter")));
        Assert.Equal(0L, await Fulfilled("parent", "ask", "kid", "count", Array.Empty<object?>()));   // ephemeral state is gone
        var failed = Rec(await Fulfilled("parent", "tryCreate", await Admin(), "no-such-bundle"));
        Assert.Equal(new PassableError("Error", "no vat bundle named 'no-such-bundle'"), failed["failed"]);
        var badUpgrade = Assert.IsType<PassableError>(await Rejected("parent", "upgrade", "kid", "no-such-bundle"));
        Assert.Contains("no-such-bundle", badUpgrade.Message);
        Assert.Equal(3L, await Fulfilled("parent", "ask", "kid", "increment", new object?[] { 3L }));
        await AuditClean();
    }

    [Fact]
    public async Task A_vat_other_than_vat_admin_cannot_use_the_vat_admin_syscall()
    {
        var bundles = new VatBundleRegistry().Register("sneaky", () => new SneakyVat());
        await Start(bundles, ("sneaky", "sneaky"));
        await Call("sneaky", "go");
        var info = await Kernel.GetVatInfoAsync("sneaky");
        Assert.False(info.Alive);
        Assert.Contains("only the vat-admin vat", info.Termination!.InfoBody);
        await AuditClean();
    }

    private sealed class SneakyVat : IRawVat
    {
        public void Deliver(VatDelivery delivery, IVatSyscalls syscalls)
        {
            if (delivery is MessageDelivery)
                ((IVatAdminSyscalls)syscalls).CallVatAdmin(VCapData.Of(SmallCaps.Methargs("createVat", "sneaky", null, false)), "p+1");
        }
    }
}

public sealed class StorageAndMisbehaviourTests : LiveslotsKernelTest
{
    private Task StartStorage() => Start(new VatBundleRegistry().RegisterVat<StorageVat>("storage").RegisterVat<StorageVat>("storage-v2"),
        ("storage", "storage"));

    [Fact]
    public async Task Baggage_survives_upgrade_and_refuses_what_is_not_durable()
    {
        await StartStorage();
        Assert.Equal(1L, await Fulfilled("storage", "bump"));
        var thing = Assert.IsType<Kref>((await Call("storage", "makeThing", "t", 42L)).Resolution);
        await Fulfilled("storage", "put", "thing", thing);
        await Fulfilled("storage", "put", "list", new object?[] { 1L, "two" });
        foreach (var bad in new[] { "storeEphemeral", "storeVirtual", "storePromise" })
            Assert.Contains("not storable", Assert.IsType<PassableError>(await Rejected("storage", bad)).Message);
        Assert.Contains("already has key", Assert.IsType<PassableError>(await Rejected("storage", "initTwice", "k")).Message);

        var upgraded = await Kernel.UpgradeVatAsync("storage", "storage-v2");
        await Kernel.RunAsync();
        Assert.Equal(PromiseState.Fulfilled, (await Kernel.GetPromiseAsync(upgraded)).State);
        Assert.Equal(2L, await Fulfilled("storage", "bump"));
        Assert.Equal(thing, await Fulfilled("storage", "take", "thing"));
        Assert.Equal(new object?[] { 1L, "two" }, List(await Fulfilled("storage", "take", "list")));
        Assert.Equal(new object?[] { "count", "k", "list", "thing" }, List(await Fulfilled("storage", "keys")));
        await AuditClean();
    }

    [Fact]
    public async Task Unreferenced_virtual_objects_are_deleted_at_bringOutYourDead()
    {
        await StartStorage();
        await Fulfilled("storage", "makeGarbage", 5L);
        var vatId = (await Kernel.GetVatInfoAsync("storage")).VatId;
        Assert.Equal(5, (await Kernel.DumpAsync()).Keys.Count(k => k.StartsWith($"{vatId}.vs.vom.o+v", StringComparison.Ordinal)));
        var reap = await Kernel.UpgradeVatAsync("storage", "storage-v2");   // starts with bringOutYourDead
        await Kernel.RunAsync();
        Assert.Equal(PromiseState.Fulfilled, (await Kernel.GetPromiseAsync(reap)).State);
        Assert.Equal(0, (await Kernel.DumpAsync()).Keys.Count(k => k.StartsWith($"{vatId}.vs.vom.o+v", StringComparison.Ordinal)));
        await AuditClean();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_vat_that_continues_outside_its_turn_is_terminated_at_its_next_delivery(bool postedWhileTheDeliveryDrains)
    {
        await StartStorage();
        StorageRoot.AnotherThread = new TaskCompletionSource();
        StorageRoot.InTurn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        StorageRoot.Resume = new SemaphoreSlim(0);
        var late = await Kernel.QueueToVatRootAsync("storage", "awaitAnotherThread", postedWhileTheDeliveryDrains);
        // the vat's continuation is posted to its turn context from this thread, before SetResult returns (as a
        // timer's would be from the timer's thread): either while a turn of the delivery is held on the vat's
        // thread, or after the delivery ended; the post is never run, so both give the same outcome
        if (postedWhileTheDeliveryDrains)
        {
            var run = Kernel.RunAsync();
            await StorageRoot.InTurn.Task;
            try
            {
                StorageRoot.AnotherThread.SetResult();
            }
            finally
            {
                StorageRoot.Resume.Release();
            }
            await run;
        }
        else
        {
            await Kernel.RunAsync();
            StorageRoot.AnotherThread.SetResult();
        }
        Assert.Equal(PromiseState.Unresolved, (await Kernel.GetPromiseAsync(late)).State);
        Assert.Equal(PromiseState.Rejected, (await Call("storage", "bump")).State);
        var info = await Kernel.GetVatInfoAsync("storage");
        Assert.False(info.Alive);
        Assert.Contains("outside its turn", info.Termination!.InfoBody);
        Assert.Equal(PromiseState.Rejected, (await Kernel.GetPromiseAsync(late)).State);
        await AuditClean();
    }

    [Fact]
    public async Task A_vat_whose_code_makes_a_syscall_from_another_thread_is_refused_it_and_terminated_at_its_next_delivery()
    {
        await StartStorage();
        Assert.Contains("syscall outside its turn", (string)(await Fulfilled("storage", "setFromAnotherThread"))!);
        Assert.Equal(PromiseState.Rejected, (await Call("storage", "bump")).State);
        var info = await Kernel.GetVatInfoAsync("storage");
        Assert.False(info.Alive);
        Assert.Contains("outside its turn", info.Termination!.InfoBody);
        await AuditClean();
    }
}
