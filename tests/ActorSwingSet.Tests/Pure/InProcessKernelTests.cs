using ActorSwingSet.Kernel;
using ActorSwingSet.Tests.Support;
using Xunit;
using static ActorSwingSet.Tests.Support.Probe;

namespace ActorSwingSet.Tests.Pure;

/// <summary>The crank engine driven directly, with no ActorSystem: vats run in-process through the same logic.</summary>
public sealed class InProcessKernelTests
{
    internal static KernelCore Build(ProbeLog log, params string[] vats)
    {
        var config = Config(log, vats);
        KernelCore.Validate(config);
        var k = new KernelCore(new InProcessVatPort(config.Bundles), new KernelOptions(config.Bundles, config.ReapInterval ?? 0));
        k.Initialize(config.Vats);
        return k;
    }

    [Fact]
    public async Task A_message_to_a_vat_root_is_answered()
    {
        var log = new ProbeLog();
        var k = Build(log, "A");
        var kp = k.QueueToVatRoot("A", Call("echo", "hi"));
        await k.RunAsync();
        var p = k.GetPromise(kp);
        Assert.Equal(PromiseState.Fulfilled, p.State);
        Assert.Equal("hi", p.Value);
        await AssertAuditClean(k);
    }

    [Fact]
    public async Task Ping_pong_between_two_vats_settles_every_promise_and_leaves_no_garbage()
    {
        var log = new ProbeLog();
        var k = Build(log, "A", "B");
        var bRoot = k.GetVatInfo("B").Root;
        var done = k.QueueToVatRoot("A", KCapData.Of(SmallCaps.Methargs("ping", new SlotRef(0, false, "B"), 50), bRoot));
        await k.RunAsync();
        Assert.Equal(PromiseState.Fulfilled, k.GetPromise(done).State);
        Assert.Equal(50, log.NotifiesTo("A").Count());
        k.ReleasePromise(done);
        var dump = await k.DumpAsync();
        Assert.DoesNotContain(dump.Keys, key => key.StartsWith("kp", StringComparison.Ordinal) && key.EndsWith(".state", StringComparison.Ordinal));
        await AssertAuditClean(k);
    }
}
