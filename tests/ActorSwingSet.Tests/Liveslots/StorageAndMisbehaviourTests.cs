using Xunit;

namespace ActorSwingSet.Tests.Liveslots;

/// <summary>
/// A vat's storage (baggage across an upgrade, virtual objects deleted at bringOutYourDead) and a vat that
/// misbehaves by running outside its turn.
/// </summary>
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
