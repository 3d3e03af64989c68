using ActorSwingSet.References;
using ActorSwingSet.Vats;

namespace ActorSwingSet.Liveslots;

/// <summary>
/// Garbage collection for bringOutYourDead (SwingSet's liveslots <c>scanForDeadObjects</c>): after a full .NET
/// collection, an import nothing in memory or in stored data refers to is dropped and retired; a kind instance with
/// no representative, no stored reference and no kernel reachability has its state deleted (and is retired if the
/// kernel could still recognize it); an ephemeral export the kernel dropped and memory let go of is retired.
/// Collection runs only in bringOutYourDead, so what the vat reports depends only on its deliveries.
/// Built from the tables it inspects, the vatstore, the marshaller (to delete stored state), the syscalls of the
/// running delivery (to report) and the candidate set the other components add to.
/// </summary>
internal sealed class Collector(
    GcCandidates candidates, ExportTable exports, KindTable kinds, VatStore store, Marshaller marshaller, Func<IVatSyscalls> syscalls)
{
    private readonly SortedSet<string> _possiblyDead = candidates.Set;

    public void BringOutYourDead()
    {
        // a full collection is costly: make one only when something is held weakly (the condition is vat state, so
        // whether it runs is as deterministic as what it finds)
        if (exports.HoldsWeakly || kinds.HoldsRepresentatives)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }
        foreach (var vref in exports.DeadPresences()) _possiblyDead.Add(vref);

        var dropImports = new List<string>();
        var retireExports = new List<string>();
        while (_possiblyDead.Count > 0)
        {
            var batch = _possiblyDead.ToList();
            _possiblyDead.Clear();
            foreach (var vref in batch)
            {
                if (!VrefInfo.TryParse(vref, out var info) || info.Kind != VrefKind.Object) continue;
                if (!info.AllocatedByVat)
                {
                    if (exports.PresenceAlive(vref) || store.RefCount(vref) > 0) continue;
                    exports.ForgetPresence(vref);
                    dropImports.Add(vref);
                }
                else if (info.IsDurable || info.IsVirtual)
                {
                    if (kinds.RepresentativeAlive(vref))
                    {
                        // still in memory: look again at the next collection
                        Keep(vref);
                        continue;
                    }
                    if (store.RefCount(vref) > 0) continue;
                    var status = store.Get("vom.es." + vref);
                    if (status == "r") continue;
                    kinds.ForgetRepresentative(vref);
                    kinds.ForgetState(vref);
                    marshaller.DeleteStored("vom." + vref);
                    if (status == "s")
                    {
                        store.Delete("vom.es." + vref);
                        retireExports.Add(vref);
                    }
                }
            }
        }
        _possiblyDead.UnionWith(_kept);
        _kept.Clear();
        retireExports.AddRange(exports.CollectDroppedEphemerals());

        if (dropImports.Count > 0)
        {
            dropImports.Sort(StringComparer.Ordinal);
            syscalls().DropImports(dropImports);
            syscalls().RetireImports(dropImports);
        }
        if (retireExports.Count > 0)
        {
            retireExports.Sort(StringComparer.Ordinal);
            syscalls().RetireExports(retireExports);
        }
    }

    private readonly List<string> _kept = [];

    private void Keep(string vref) => _kept.Add(vref);

    /// <summary>The kernel reaches a kind instance (it was exported): record it, so it is not collected.</summary>
    public void Exported(string vref)
    {
        if (KindTable.IsKindVref(vref) && store.Get("vom.es." + vref) != "r") store.Set("vom.es." + vref, "r");
    }

    /// <summary>The kernel dropped an export: a kind instance stays recognizable ('s'); either kind may now be collectable.</summary>
    public void DroppedByKernel(string vref)
    {
        if (KindTable.IsKindVref(vref)) store.Set("vom.es." + vref, "s");
        candidates.MaybeDead(vref);
    }

    /// <summary>The kernel retired an export: forget its export status; the object lives on while anything holds it.</summary>
    public void RetiredByKernel(string vref)
    {
        if (KindTable.IsKindVref(vref))
        {
            store.Delete("vom.es." + vref);
            candidates.MaybeDead(vref);
        }
    }
}

/// <summary>
/// The vrefs to check at the next bringOutYourDead (SwingSet's <c>possiblyDeadSet</c>): the vatstore adds one whose
/// stored count reached zero, the kind table each instance it makes, the collector each export the kernel dropped
/// or retired, and the vat each import its code, rebuilt after a restart, has no presence for.
/// </summary>
internal sealed class GcCandidates
{
    internal SortedSet<string> Set { get; } = new(StringComparer.Ordinal);

    /// <summary>Check <paramref name="vref"/> at the next collection.</summary>
    public void MaybeDead(string vref) => Set.Add(vref);
}
