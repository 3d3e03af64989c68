using System.Runtime.CompilerServices;
using ActorSwingSet.Tests.Support;
using ActorSwingSet.Vats;
using Xunit;

namespace ActorSwingSet.Tests.Transcripts;

/// <summary>
/// Eviction is for memory: once a vat's worker is evicted (or let go by an aborted crank), nothing the kernel keeps
/// may hold it, or a kernel of many vats with few online keeps every worker it ever built.
/// </summary>
public sealed class EvictedMemoryTests
{
    /// <summary>The worker under test: its root is the only object it makes, and it says where it is.</summary>
    public sealed class TrackedVat : IVat
    {
        public object BuildRootObject(VatPowers powers, object? vatParameters, Baggage baggage)
        {
            var root = new MemoryCounter();
            Roots.Add(new WeakReference(root));
            return root;
        }
    }

    private static readonly List<WeakReference> Roots = [];

    private static KernelConfig Config() => new()
    {
        Bundles = new VatBundleRegistry().RegisterVat<TrackedVat>("tracked").RegisterVat<MemoryCounterVat>("memory")
            .RegisterVat<BrokenStartVat>("broken"),
        Vats = [new("tracked", "tracked"), new("other", "memory")],
        ReapInterval = 0,
    };

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int LiveRoots()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return Roots.Count(r => r.IsAlive);
    }

    [Fact]
    public async Task An_evicted_worker_is_not_held_by_its_host()
    {
        Roots.Clear();
        var k = new StoredKernel(Config(), maxVatsOnline: 1);
        await k.Core.RunAsync();
        Assert.Equal(1L, await k.CallAsync("tracked", "bump"));
        Assert.Equal(2L, await k.CallAsync("tracked", "bump"));    // a crank that starts with the worker online
        Assert.Equal(1, LiveRoots());
        Assert.Equal(1L, await k.CallAsync("other", "bump"));      // evicts the tracked vat's worker
        Assert.DoesNotContain(k.Core.GetVatInfo("tracked").VatId, k.Port.Online);
        Assert.Equal(0, LiveRoots());
        Assert.Equal(3L, await k.CallAsync("tracked", "bump"));    // rebuilt by replay: one worker again
        Assert.Equal(1, LiveRoots());
        await Probe.AssertAuditClean(k.Core);
    }

    [Fact]
    public async Task A_worker_let_go_by_an_aborted_crank_is_not_held_by_its_host()
    {
        Roots.Clear();
        var k = new StoredKernel(Config());
        await k.Core.RunAsync();
        Assert.Equal(1L, await k.CallAsync("tracked", "bump"));
        Assert.Equal(2L, await k.CallAsync("tracked", "bump"));
        var upgrade = k.Core.QueueUpgradeVat("tracked", "broken", null, "to code that cannot start");
        await k.Core.RunAsync();                                    // rolled back: the worker saw its bringOutYourDead
        Assert.Equal(PromiseState.Rejected, k.Core.GetPromise(upgrade).State);
        Assert.Equal(0, LiveRoots());
        Assert.Equal(3L, await k.CallAsync("tracked", "bump"));
        Assert.Equal(1, LiveRoots());
        await Probe.AssertAuditClean(k.Core);
    }
}
