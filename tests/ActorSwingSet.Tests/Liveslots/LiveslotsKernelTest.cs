using ActorSwingSet.Controller;
using ActorSwingSet.Kernel;
using ActorSwingSet.Kernel.State;
using ActorSwingSet.References;
using ActorSwingSet.Tests.Support;
using ActorSwingSet.Vat;
using Xunit;

namespace ActorSwingSet.Tests.Liveslots;

/// <summary>A kernel of C# vats (with the vat-admin vat) in the test's ActorSystem, and helpers to drive it.</summary>
public abstract class LiveslotsKernelTest : Akka.TestKit.Xunit2.TestKit
{
    protected SwingSetController Kernel { get; private set; } = null!;

    protected async Task Start(VatBundleRegistry bundles, params (string Name, string Bundle)[] vats)
    {
        var config = new KernelConfig
        {
            Bundles = bundles,
            Vats = [.. vats.Select(v => new StaticVatConfig(v.Name, v.Bundle))],
            ReapInterval = 0,
            EnableVatAdmin = true,
        };
        Kernel = SwingSetController.Start(Sys, config, "k" + Guid.NewGuid().ToString("N"));
        await Kernel.RunAsync();
    }

    /// <summary>Sends <c>method(args)</c> to a vat's root, runs to quiescence, returns the settled result.</summary>
    protected async Task<PromiseStatus> Call(string vat, string method, params object?[] args)
    {
        var kp = await Kernel.QueueToVatRootAsync(vat, method, args);
        await Kernel.RunAsync();
        return await Kernel.GetPromiseAsync(kp);
    }

    /// <summary>Calls, asserts fulfilment and lets go of the result promise (what it refers to is not kept alive).</summary>
    protected async Task<object?> Fulfilled(string vat, string method, params object?[] args)
    {
        var kp = await Kernel.QueueToVatRootAsync(vat, method, args);
        await Kernel.RunAsync();
        var status = await Kernel.GetPromiseAsync(kp);
        await Kernel.ReleasePromiseAsync(kp);
        if (status.State != PromiseState.Fulfilled)
        {
            var reasons = (await Kernel.DumpAsync()).Where(kv => kv.Key.StartsWith("vat.terminationReason.", StringComparison.Ordinal));
            Assert.Fail($"{method}: {status.State} {status.Data?.Body}; terminated: {string.Join("; ", reasons)}");
        }
        return status.Resolution;
    }

    protected async Task<object?> Rejected(string vat, string method, params object?[] args)
    {
        var status = await Call(vat, method, args);
        Assert.True(status.State == PromiseState.Rejected, $"{method}: {status.State} {status.Data?.Body}");
        return status.Resolution;
    }

    protected async Task<Kref> Root(string vat) => (await Kernel.GetVatInfoAsync(vat)).Root;

    protected Task AuditClean() => Probe.AssertAuditClean(Kernel);

    protected static IReadOnlyDictionary<string, object?> Rec(object? v) => Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(v);

    protected static IReadOnlyList<object?> List(object? v) => Assert.IsAssignableFrom<IReadOnlyList<object?>>(v);
}
