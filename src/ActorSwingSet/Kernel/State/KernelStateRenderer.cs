using System.Globalization;
using System.Text.Json;
using ActorSwingSet.Schema;
using ActorSwingSet.Vat.Messages;

namespace ActorSwingSet.Kernel.State;

/// <summary>
/// The kvStore keys of each part of the kernel's state. The full dump renders every part; a block delta renders
/// only the parts a block changed. One rendering, so the two cannot drift apart.
/// </summary>
internal static class KernelStateRenderer
{
    private static string N(long n) => n.ToString(CultureInfo.InvariantCulture);

    public static void Scalars(KernelKeeper K, Action<string, string> set)
    {
        set(KvKeys.Version, K.SchemaVersion);
        set(KvKeys.CrankNumber, N(K.CrankNumber));
        set(KvKeys.KernelStats, JsonSerializer.Serialize(
            Enum.GetValues<KernelStat>().OrderBy(s => s.ToString(), StringComparer.Ordinal).ToDictionary(s => s.ToString(), K.Stat)));
        set(KvKeys.NextVatId, N(K.NextVatId));
        set(KvKeys.NextObjectId, N(K.NextObjectId));
        set(KvKeys.NextPromiseId, N(K.NextPromiseId));
    }

    public static void List(KernelKeeper K, KernelList list, Action<string, string> set, Action<string> delete)
    {
        switch (list)
        {
            case KernelList.Names: set(KvKeys.VatNames, JsonSerializer.Serialize(K.StaticNames)); break;
            case KernelList.Dynamic: set(KvKeys.DynamicVatIds, JsonSerializer.Serialize(K.DynamicIds)); break;
            case KernelList.Terminated: set(KvKeys.TerminatedVats, JsonSerializer.Serialize(K.TerminatedVats)); break;
            case KernelList.Reasons:
                foreach (var (vatId, t) in K.TerminationReasons)
                    set(KvKeys.TerminationReason(vatId), JsonSerializer.Serialize(new { isFailure = t.IsFailure, info = t.InfoBody }));
                break;
            case KernelList.Host:
                if (K.HostRefs.Count > 0) set(KvKeys.HostRefs, HostRefsJson.Write(K.HostRefs));
                else delete(KvKeys.HostRefs);
                break;
            case KernelList.DurableHolds:
                if (K.DurableHolds.Count > 0) set(KvKeys.DurableHolds,
                    JsonSerializer.Serialize(K.DurableHolds.ToDictionary(e => e.Key, e => e.Value.ToString(), StringComparer.Ordinal)));
                else delete(KvKeys.DurableHolds);
                break;
            case KernelList.Gc: set(KvKeys.GcActions, JsonSerializer.Serialize(K.GcActions.Select(a => a.ToString()))); break;
            case KernelList.Reap: set(KvKeys.ReapQueue, JsonSerializer.Serialize(K.ReapQueue)); break;
            case KernelList.Pinned: set(KvKeys.PinnedObjects, string.Join(",", K.PinnedObjects)); break;
            case KernelList.UpgradeEvents:
                if (K.UpgradeEvents.Count > 0) set(KvKeys.UpgradeEvents, "[" + string.Join(",", K.UpgradeEvents.Select(EventJson.Write)) + "]");
                else delete(KvKeys.UpgradeEvents);
                break;
        }
    }

    /// <summary>The kernel's keys for one vat (a terminated vat has none but its termination reason).</summary>
    public static void Vat(VatRecord v, Action<string, string> set)
    {
        if (!v.Alive) return;
        if (v.Name is not null) set(KvKeys.VatName(v.Name), v.VatId);
        set(KvKeys.VatSource(v.VatId), JsonSerializer.Serialize(new { bundleName = v.BundleName }));
        set(KvKeys.VatOptions(v.VatId), JsonSerializer.Serialize(new { enablePipelining = v.EnablePipelining, name = v.Name, root = v.Root.ToString() }));
        set(KvKeys.VatParameters(v.VatId), EventJson.Write(v.VatParameters));
        set(KvKeys.VatReapDirt(v.VatId), JsonSerializer.Serialize(new { deliveries = v.ReapDirt }));
    }

    public static void Object(long id, IKernelObject o, Action<string, string> set)
    {
        if (o.Owner is not null) set(KvKeys.ObjectOwner(id), o.Owner);
        set(KvKeys.ObjectRefCount(id), N(o.Reachable) + "," + N(o.Recognizable));
    }

    public static void Promise(long id, IKernelPromise p, Action<string, string> set)
    {
        var k = KvKeys.PromiseEntity(id);
        set(KvKeys.PromiseState(id), PromiseStateText.Of(p.State));
        set(KvKeys.Of(k, KvKeys.Field.RefCount), N(p.RefCount));
        if (p.State == PromiseState.Unresolved)
        {
            set(KvKeys.Of(k, KvKeys.Field.Decider), p.Decider ?? "");
            if (p.Durable) set(KvKeys.Of(k, KvKeys.Field.Durable), "1");
            set(KvKeys.Of(k, KvKeys.Field.Subscribers), string.Join(",", p.Subscribers));
            var first = p.QueueNextId - p.Queue.Count;
            for (var i = 0; i < p.Queue.Count; i++) set(KvKeys.PromiseQueue(id, first + i), EventJson.Write(p.Queue[i]));
            set(KvKeys.Of(k, KvKeys.Field.QueueNextId), N(p.QueueNextId));
        }
        else
        {
            set(KvKeys.Of(k, KvKeys.Field.DataBody), p.Data!.Body);
            set(KvKeys.Of(k, KvKeys.Field.DataSlots), p.Data.SlotsText);
        }
    }

    public static IEnumerable<(string Name, EventQueue Queue)> Queues(KernelKeeper K) =>
        [(KvKeys.RunQueue, K.RunQueue), (KvKeys.AcceptanceQueue, K.AcceptanceQueue)];

    public static string QueueBounds(EventQueue q) => $"[{N(q.Head)},{N(q.Tail)}]";

    /// <summary>The whole state, sorted by key: every part of the kernel's, then each vat's own entries.</summary>
    public static SortedDictionary<string, string> All(KernelKeeper K, IEnumerable<VatDumpReply> vats)
    {
        var kv = new SortedDictionary<string, string>(StringComparer.Ordinal);
        void Set(string key, string value) => kv[key] = value;
        Scalars(K, Set);
        foreach (var list in Enum.GetValues<KernelList>()) List(K, list, Set, _ => { });
        foreach (var v in K.Vats) Vat(v, Set);
        foreach (var (id, o) in K.Objects) Object(id, o, Set);
        foreach (var (id, p) in K.Promises) Promise(id, p, Set);
        foreach (var (name, q) in Queues(K))
        {
            kv[name] = QueueBounds(q);
            foreach (var (pos, e) in q.Entries()) kv[KvKeys.QueueEntry(name, pos)] = EventJson.Write(e);
        }
        foreach (var vat in vats)
            foreach (var (key, value) in vat.Entries) kv[key] = value;
        return kv;
    }
}

