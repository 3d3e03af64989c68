using Xunit;

namespace ActorSwingSet.Tests.Liveslots;

/// <summary>
/// A vat's done promise settles when the vat exits, whether or not .NET's garbage collector ran, and never on a
/// forged vatTerminated.
/// </summary>
public sealed class DonePromiseTests : LiveslotsKernelTest
{
    private Task StartVats() => Start(new VatBundleRegistry()
        .RegisterVat<ParentVat>("parent").RegisterVat<ExitingVat>("exiter").RegisterVat<PromiseEdgeVat>("edges"),
        ("parent", "parent"), ("edges", "edges"));

    [Fact]
    public async Task Done_after_an_exit_is_the_same_whether_or_not_the_garbage_collector_ran()
    {
        await StartVats();
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
        await StartVats();
        var admin = await Kernel.GetVatAdminServiceAsync();
        await Fulfilled("parent", "create", admin, "kid", "exiter", null);
        var done = await Kernel.QueueToVatRootAsync("parent", "done", "kid");
        var kidId = System.Text.Json.JsonSerializer.Deserialize<string[]>((await Kernel.DumpAsync())["vat.dynamicIDs"])![0];
        await Fulfilled("edges", "forge", admin, kidId);
        Assert.Equal(PromiseState.Unresolved, (await Kernel.GetPromiseAsync(done)).State);
        await Fulfilled("parent", "ask", "kid", "quit", new object?[] { "real" });
        Assert.Equal(new object?[] { "fulfilled", "real" }, List((await Kernel.GetPromiseAsync(done)).Resolution));
        await AuditClean();
    }
}
