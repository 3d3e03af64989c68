using Akka.Event;

namespace ActorSwingSet.Kernel;

/// <summary>
/// What the crank engine tells about a vat's life as it happens: creation, upgrade, termination and their failures.
/// Called inside the crank, between kernel steps; it only observes and never changes what the kernel decides.
/// </summary>
internal interface IKernelListener
{
    void VatCreated(string vatId, string? name, string bundleName);
    void VatCreationFailed(string vatId, string bundleName, string problem);
    void VatUpgraded(string vatId, string bundleName, long incarnationNumber);
    void VatUpgradeFailed(string vatId, string bundleName, string problem);
    void VatTerminated(string vatId, bool isFailure, string reason);
}

/// <summary>The kernel actor's listener: vat life events as Akka log lines (so they reach whatever logger the host set).</summary>
internal sealed class KernelLog(ILoggingAdapter log) : IKernelListener
{
    public void VatCreated(string vatId, string? name, string bundleName)
    {
        if (name is null) log.Info("vat {0} created from bundle '{1}'", vatId, bundleName);
        else log.Debug("static vat {0} ('{1}') created from bundle '{2}'", vatId, name, bundleName);
    }

    public void VatCreationFailed(string vatId, string bundleName, string problem) =>
        log.Warning("vat {0} could not be created from bundle '{1}': {2}", vatId, bundleName, problem);

    public void VatUpgraded(string vatId, string bundleName, long incarnationNumber) =>
        log.Info("vat {0} upgraded to bundle '{1}' (incarnation {2})", vatId, bundleName, incarnationNumber);

    public void VatUpgradeFailed(string vatId, string bundleName, string problem) =>
        log.Warning("vat {0}: upgrade to bundle '{1}' failed, the old incarnation keeps running: {2}", vatId, bundleName, problem);

    public void VatTerminated(string vatId, bool isFailure, string reason)
    {
        if (isFailure) log.Warning("vat {0} terminated with failure: {1}", vatId, reason);
        else log.Info("vat {0} terminated: {1}", vatId, reason);
    }

    /// <summary>A reason as a person reads it: an error's message, a string, or else the capdata body.</summary>
    public static string Describe(KCapData data)
    {
        try
        {
            return SmallCaps.Decode(data.Body, data.Slots.Length) switch
            {
                PassableError { Name: "Error" } e => e.Message,
                PassableError e => $"{e.Name}: {e.Message}",
                string s => s,
                _ => data.Body,
            };
        }
        catch (FormatException)
        {
            return data.Body;
        }
    }
}
