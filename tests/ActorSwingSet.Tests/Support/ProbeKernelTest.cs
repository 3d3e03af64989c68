using ActorSwingSet.Controller;

namespace ActorSwingSet.Tests.Support;

/// <summary>A TestKit test with a probe log and a helper that starts a kernel of probe vats and runs their startVat.</summary>
public abstract class ProbeKernelTest : Akka.TestKit.Xunit2.TestKit
{
    protected ProbeLog Deliveries { get; } = new();

    protected async Task<SwingSetController> Start(params string[] vats)
    {
        var c = SwingSetController.Start(Sys, Probe.Config(Deliveries, vats), "k" + Guid.NewGuid().ToString("N"));
        await c.RunAsync();
        return c;
    }
}
