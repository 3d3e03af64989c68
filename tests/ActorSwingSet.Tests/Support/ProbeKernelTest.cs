namespace ActorSwingSet.Tests.Support;

/// <summary>A TestKit test with a probe log and a helper that starts a kernel of probe vats and runs their startVat.</summary>
public abstract class ProbeKernelTest() : Akka.TestKit.Xunit2.TestKit(LoadedMachine.TestKitConfig)
{
    protected ProbeLog Deliveries { get; } = new();

    protected Task<SwingSetController> Start(params string[] vats) => Start(legacyUpgradeLeak: false, vats);

    /// <summary>With <paramref name="legacyUpgradeLeak"/>, upgrades reproduce SwingSet bug #9039.</summary>
    protected async Task<SwingSetController> Start(bool legacyUpgradeLeak, params string[] vats)
    {
        var config = Probe.Config(Deliveries, vats) with { ReproduceUpgradeLeakBug9039 = legacyUpgradeLeak };
        var c = SwingSetController.Start(Sys, config, "k" + Guid.NewGuid().ToString("N"));
        await c.RunAsync();
        return c;
    }
}
