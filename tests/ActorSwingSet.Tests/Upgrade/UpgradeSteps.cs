using Xunit;

namespace ActorSwingSet.Tests.Upgrade;

/// <summary>Steps the upgrade tests share.</summary>
internal static class UpgradeSteps
{
    /// <summary>Upgrades <paramref name="vat"/> to <paramref name="bundle"/>, runs, and requires the upgrade to succeed.</summary>
    public static async Task<Kref> Upgraded(SwingSetController c, string vat, string bundle)
    {
        var result = await c.UpgradeVatAsync(vat, bundle);
        await c.RunAsync();
        var status = await c.GetPromiseAsync(result);
        Assert.Equal(PromiseState.Fulfilled, status.State);
        return result;
    }
}
