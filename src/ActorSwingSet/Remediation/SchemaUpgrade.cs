using ActorSwingSet.Kernel;
using ActorSwingSet.Persistence;

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
            IReadOnlyDictionary<string, string> state, IEnumerable<(string VatId, References.Kref Kpid)> claims) =>
            KernelCore.RepairStoredAsync(state, claims);
    }
}
