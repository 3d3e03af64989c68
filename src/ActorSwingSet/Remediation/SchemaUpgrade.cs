using ActorSwingSet.Kernel;
using ActorSwingSet.Schema;

namespace ActorSwingSet.Remediation;

/// <summary>
/// Schema upgrades and repairs of stored kernel state, run on the state alone: a kernel is restored from it
/// without its vats' code (none is needed), does its work, and hands back the writes to journal.
/// </summary>
internal static class SchemaUpgrade
{
    /// <summary>
    /// Upgrades state in kvStore form to the current schema. The v2-to-v3 step (SwingSet's upgradeSwingset): on state
    /// written with the #9039 leak, hold a repairing notify for every damaged (vat, kpid) in <c>upgradeEvents</c>
    /// until the host injects them, and mark the state version 3. Idempotent: state already at the current version
    /// gives no writes and a null report.
    /// </summary>
    public static async Task<(IReadOnlyList<KvWrite> Writes, RemediationReport? Report)> UpgradeAsync(IReadOnlyDictionary<string, string> state)
    {
        if (state.TryGetValue(KvKeys.Version, out var v) && v == KvKeys.CurrentVersion) return ([], null);
        var core = RestoreWithoutCode(state, KvKeys.LeakyVersion);
        var report = await core.RemediateUpgradeLeaksAsync().ConfigureAwait(false);
        core.Keeper.SchemaVersion = KvKeys.CurrentVersion;
        return ((await core.TakeBlockDeltaAsync().ConfigureAwait(false)).Writes, report);
    }

    /// <summary>
    /// Verified-claims repair of stored state (see <see cref="KernelCore.RepairClaimsAsync"/>): each claim is
    /// checked and only real damage gets a notify queued. Returns the writes to journal and the verdicts.
    /// </summary>
    public static async Task<(IReadOnlyList<KvWrite> Writes, IReadOnlyList<ClaimVerdict> Verdicts)> RepairAsync(
        IReadOnlyDictionary<string, string> state, IEnumerable<(string VatId, Kref Kpid)> claims)
    {
        var core = RestoreWithoutCode(state, KvKeys.CurrentVersion);
        var verdicts = await core.RepairClaimsAsync(claims).ConfigureAwait(false);
        return ((await core.TakeBlockDeltaAsync().ConfigureAwait(false)).Writes, verdicts);
    }

    private static KernelCore RestoreWithoutCode(IReadOnlyDictionary<string, string> state, string version)
    {
        var bundles = new VatBundleRegistry();
        return KernelCore.Restore(new InProcessVatPort(bundles), new KernelOptions(bundles, 0), state, version, requireBundles: false);
    }
}
