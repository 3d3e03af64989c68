using ActorSwingSet.Vat;
using ActorSwingSet.Vats;
using Xunit;

namespace ActorSwingSet.Tests.Liveslots;

/// <summary>
/// The vat-admin service seen from a vat: creating a vat, calling it, terminating or upgrading it and learning of
/// its exit through its done promise; no other vat may use the vat-admin syscall.
/// </summary>
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
