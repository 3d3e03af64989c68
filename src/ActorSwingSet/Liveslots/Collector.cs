using ActorSwingSet.References;

namespace ActorSwingSet.Liveslots;

/// <summary>
/// Garbage collection for bringOutYourDead (SwingSet's liveslots <c>scanForDeadObjects</c>): after a full .NET
/// collection, an import nothing in memory or in stored data refers to is dropped and retired; a kind instance with
/// no representative, no stored reference and no kernel reachability has its state deleted (and is retired if the
/// kernel could still recognize it); an ephemeral export the kernel dropped and memory let go of is retired.
/// Collection runs only in bringOutYourDead, so what the vat reports depends only on its deliveries.
/// </summary>
internal sealed class Collector(LiveslotsVat vat)
{
    private readonly SortedSet<string> _possiblyDead = new(StringComparer.Ordinal);

    /// <summary>A stored count reached zero, the kernel dropped an export, or an instance was made: check it at the next collection.</summary>
    public void MaybeDead(string vref) => _possiblyDead.Add(vref);

    public void BringOutYourDead()
    {
        // a full collection is costly: make one only when something is held weakly (the condition is vat state, so
        // whether it runs is as deterministic as what it finds)
        if (vat.Exports.HoldsWeakly || vat.Kinds.HoldsRepresentatives)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }
        foreach (var vref in vat.Exports.DeadPresences()) _possiblyDead.Add(vref);

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
                    if (vat.Exports.PresenceAlive(vref) || vat.Store.RefCount(vref) > 0) continue;
                    vat.Exports.ForgetPresence(vref);
                    dropImports.Add(vref);
                }
                else if (info.IsDurable || info.IsVirtual)
                {
                    if (vat.Kinds.RepresentativeAlive(vref))
                    {
                        // still in memory: look again at the next collection
                        Keep(vref);
                        continue;
                    }
                    if (vat.Store.RefCount(vref) > 0) continue;
                    var status = vat.Store.Get("vom.es." + vref);
                    if (status == "r") continue;
                    vat.Kinds.ForgetRepresentative(vref);
                    vat.Kinds.ForgetState(vref);
                    vat.Marshaller.DeleteStored("vom." + vref);
                    if (status == "s")
                    {
                        vat.Store.Delete("vom.es." + vref);
                        retireExports.Add(vref);
                    }
                }
            }
        }
        _possiblyDead.UnionWith(_kept);
        _kept.Clear();
        retireExports.AddRange(vat.Exports.CollectDroppedEphemerals());

        if (dropImports.Count > 0)
        {
            dropImports.Sort(StringComparer.Ordinal);
            vat.Syscalls.DropImports(dropImports);
            vat.Syscalls.RetireImports(dropImports);
        }
        if (retireExports.Count > 0)
        {
            retireExports.Sort(StringComparer.Ordinal);
            vat.Syscalls.RetireExports(retireExports);
        }
    }

    private readonly List<string> _kept = [];

    private void Keep(string vref) => _kept.Add(vref);

    /// <summary>The kernel reaches a kind instance (it was exported): record it, so it is not collected.</summary>
    public void Exported(string vref)
    {
        if (KindTable.IsKindVref(vref) && vat.Store.Get("vom.es." + vref) != "r") vat.Store.Set("vom.es." + vref, "r");
    }

    /// <summary>The kernel dropped an export: a kind instance stays recognizable ('s'); either kind may now be collectable.</summary>
    public void DroppedByKernel(string vref)
    {
        if (KindTable.IsKindVref(vref)) vat.Store.Set("vom.es." + vref, "s");
        MaybeDead(vref);
    }

    /// <summary>The kernel retired an export: forget its export status; the object lives on while anything holds it.</summary>
    public void RetiredByKernel(string vref)
    {
        if (KindTable.IsKindVref(vref))
        {
            vat.Store.Delete("vom.es." + vref);
            MaybeDead(vref);
        }
    }
}
