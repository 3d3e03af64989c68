using System.Globalization;
using System.Text.Json;
using ActorSwingSet.Kernel.State;

namespace ActorSwingSet.Dump;

/// <summary>
/// The kvStore keys of each part of the kernel's state. The full dump renders every part; a block delta renders
/// only the parts a block changed. One rendering, so the two cannot drift apart.
/// </summary>
internal static class KernelStateRenderer
{
    private static string N(long n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>The lists the kernel journals by name (see <c>KernelKeeper.TouchList</c>).</summary>
    public static readonly string[] Lists = ["names", "dynamic", "terminated", "reasons", "host", "durableHolds", "gc", "reap", "pinned", "upgradeEvents"];

    public static void Scalars(KernelKeeper K, Action<string, string> set)
    {
        set("version", K.SchemaVersion);
        set("crankNumber", N(K.CrankNumber));
        set("kernelStats", JsonSerializer.Serialize(
            Enum.GetValues<KernelStat>().OrderBy(s => s.ToString(), StringComparer.Ordinal).ToDictionary(s => s.ToString(), K.Stat)));
        set("vat.nextID", N(K.NextVatId));
        set("ko.nextID", N(K.NextObjectId));
        set("kp.nextID", N(K.NextPromiseId));
    }

    public static void List(KernelKeeper K, string list, Action<string, string> set, Action<string> delete)
    {
        switch (list)
        {
            case "names": set("vat.names", JsonSerializer.Serialize(K.StaticNames)); break;
            case "dynamic": set("vat.dynamicIDs", JsonSerializer.Serialize(K.DynamicIds)); break;
            case "terminated": set("vats.terminated", JsonSerializer.Serialize(K.TerminatedVats)); break;
            case "reasons":
                foreach (var (vatId, t) in K.TerminationReasons)
                    set("vat.terminationReason." + vatId, JsonSerializer.Serialize(new { isFailure = t.IsFailure, info = t.InfoBody }));
                break;
            case "host":
                if (K.HostRefs.Count > 0) set("kernel.hostRefs", HostRefsJson.Write(K.HostRefs));
                else delete("kernel.hostRefs");
                break;
            case "durableHolds":
                if (K.DurableHolds.Count > 0) set("kernel.durableHolds", JsonSerializer.Serialize(K.DurableHolds.ToDictionary(e => e.Key, e => e.Value.ToString(), StringComparer.Ordinal)));
                else delete("kernel.durableHolds");
                break;
            case "gc": set("gcActions", JsonSerializer.Serialize(K.GcActions)); break;
            case "reap": set("reapQueue", JsonSerializer.Serialize(K.ReapQueue)); break;
            case "pinned": set("pinnedObjects", string.Join(",", K.PinnedObjects)); break;
            case "upgradeEvents":
                if (K.UpgradeEvents.Count > 0) set("upgradeEvents", "[" + string.Join(",", K.UpgradeEvents.Select(EventJson.Write)) + "]");
                else delete("upgradeEvents");
                break;
            default: throw new ArgumentException($"unknown kernel list '{list}'");
        }
    }

    /// <summary>The kernel's keys for one vat (a terminated vat has none but its termination reason).</summary>
    public static void Vat(VatRecord v, Action<string, string> set)
    {
        if (!v.Alive) return;
        if (v.Name is not null) set("vat.name." + v.Name, v.VatId);
        var p = v.VatId + ".";
        set(p + "source", JsonSerializer.Serialize(new { bundleName = v.BundleName }));
        set(p + "options", JsonSerializer.Serialize(new { enablePipelining = v.EnablePipelining, name = v.Name, root = v.Root.ToString() }));
        set(p + "vatParameters", EventJson.Write(v.VatParameters));
        set(p + "reapDirt", JsonSerializer.Serialize(new { deliveries = v.ReapDirt }));
    }

    public static void Object(long id, KernelObject o, Action<string, string> set)
    {
        var k = "ko" + N(id);
        if (o.Owner is not null) set(k + ".owner", o.Owner);
        set(k + ".refCount", N(o.Reachable) + "," + N(o.Recognizable));
    }

    public static void Promise(long id, KernelPromise p, Action<string, string> set)
    {
        var k = "kp" + N(id);
        set(k + ".state", KernelPromise.StateText(p.State));
        set(k + ".refCount", N(p.RefCount));
        if (p.State == PromiseState.Unresolved)
        {
            set(k + ".decider", p.Decider ?? "");
            if (p.Durable) set(k + ".durable", "1");
            set(k + ".subscribers", string.Join(",", p.Subscribers));
            var first = p.QueueNextId - p.Queue.Count;
            for (var i = 0; i < p.Queue.Count; i++) set(k + ".queue." + N(first + i), EventJson.Write(p.Queue[i]));
            set(k + ".queue.nextID", N(p.QueueNextId));
        }
        else
        {
            set(k + ".data.body", p.Data!.Body);
            set(k + ".data.slots", p.Data.SlotsText);
        }
    }

    public static IEnumerable<(string Name, EventQueue Queue)> Queues(KernelKeeper K) =>
        [("runQueue", K.RunQueue), ("acceptanceQueue", K.AcceptanceQueue)];

    public static string QueueBounds(EventQueue q) => $"[{N(q.Head)},{N(q.Tail)}]";
}
