using Xunit.Sdk;

namespace ActorSwingSet.TestKit;

/// <summary>Assertions on kernel state that fail the test with a readable report.</summary>
public static class SwingSetAssert
{
    /// <summary>
    /// Asserts two kvStore dumps are equal, apart from keys starting with any of
    /// <paramref name="ignoredKeyPrefixes"/>; on failure the message lists the differing keys (<see cref="KvDiff"/>).
    /// </summary>
    public static void DumpsEqual(IReadOnlyDictionary<string, string> expected, IReadOnlyDictionary<string, string> actual, params string[] ignoredKeyPrefixes)
    {
        var diff = KvDiff.Between(expected, actual, ignoredKeyPrefixes);
        if (!diff.IsEmpty) throw new XunitException("kernel states differ (- expected, + actual):\n" + diff);
    }

    /// <summary>Audits a kvStore dump (<see cref="KernelAudit.Run"/>) and fails with the report if it finds anything.</summary>
    public static AuditReport AuditClean(IReadOnlyDictionary<string, string> dump)
    {
        ArgumentNullException.ThrowIfNull(dump);
        return AuditClean(KernelAudit.Run(dump));
    }

    /// <summary>Fails with <paramref name="report"/> if the audit found anything; returns it otherwise.</summary>
    public static AuditReport AuditClean(AuditReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (!report.IsClean) throw new KernelAuditException(report.ToString());
        return report;
    }
}

/// <summary>The invariant audit found violations: the message is its report.</summary>
public sealed class KernelAuditException(string report) : XunitException(report);
