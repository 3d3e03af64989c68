using ActorSwingSet.Kernel;
using ActorSwingSet.Persistence;
using ActorSwingSet.Schema;

namespace ActorSwingSet.Kernel
{
    internal sealed partial class KernelCore
    {
        /// <summary>
        /// The v2-to-v3 schema step (SwingSet's upgradeSwingset): on state written with the #9039 leak, hold a
        /// repairing notify for every damaged (vat, kpid), and mark the state version 3. Needs no vat code.
        /// Returns the writes that make it so, or none when the state is already at version 3.
        /// </summary>
        public static async Task<(IReadOnlyList<KvWrite> Writes, RemediationReport? Report)> UpgradeSchemaAsync(IReadOnlyDictionary<string, string> state)
        {
            if (state.TryGetValue(KvKeys.Version, out var v) && v == KernelStateDump.SchemaVersion) return ([], null);
            var bundles = new VatBundleRegistry();
            var options = new KernelOptions(bundles, 0);
            var core = Restore(new InProcessVatPort(bundles), options, state, KernelStateDump.LeakySchemaVersion, requireBundles: false);
            var report = await core.RemediateUpgradeLeaksAsync().ConfigureAwait(false);
            core.Keeper.SchemaVersion = KernelStateDump.SchemaVersion;
            return (await core.TakeBlockDeltaAsync().ConfigureAwait(false), report);
        }

        /// <summary>
        /// Verified-claims repair on stored state (no vat code needed): each claim is checked and only real damage
        /// gets a notify queued. Returns the verdicts and the writes to journal.
        /// </summary>
        public static async Task<(IReadOnlyList<KvWrite> Writes, IReadOnlyList<ClaimVerdict> Verdicts)> RepairStoredAsync(
            IReadOnlyDictionary<string, string> state, IEnumerable<(string VatId, Kref Kpid)> claims)
        {
            var bundles = new VatBundleRegistry();
            var core = Restore(new InProcessVatPort(bundles), new KernelOptions(bundles, 0), state, KernelStateDump.SchemaVersion, requireBundles: false);
            var verdicts = await core.RepairClaimsAsync(claims).ConfigureAwait(false);
            return (await core.TakeBlockDeltaAsync().ConfigureAwait(false), verdicts);
        }
    }
}

namespace ActorSwingSet.Remediation
{
    /// <summary>Schema upgrades of stored kernel state.</summary>
    internal static class SchemaUpgrade
    {
        /// <summary>
        /// Upgrades state in kvStore form to the current schema: from version 2 it runs the #9039 remediation
        /// (notifies held in <c>upgradeEvents</c> until the host injects them). Idempotent: state already at the
        /// current version gives no writes and a null report.
        /// </summary>
        public static Task<(IReadOnlyList<KvWrite> Writes, RemediationReport? Report)> UpgradeAsync(IReadOnlyDictionary<string, string> state) =>
            KernelCore.UpgradeSchemaAsync(state);

        /// <summary>Verified-claims repair of stored state: see <see cref="KernelCore.RepairClaimsAsync"/>.</summary>
        public static Task<(IReadOnlyList<KvWrite> Writes, IReadOnlyList<ClaimVerdict> Verdicts)> RepairAsync(
            IReadOnlyDictionary<string, string> state, IEnumerable<(string VatId, Kref Kpid)> claims) =>
            KernelCore.RepairStoredAsync(state, claims);
    }
}
