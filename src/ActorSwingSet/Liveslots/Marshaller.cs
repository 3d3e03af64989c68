using System.Collections;
using System.Numerics;
using System.Text.Json;
using ActorSwingSet.References;
using ActorSwingSet.Vats;

namespace ActorSwingSet.Liveslots;

/// <summary>
/// Converts between C# values and capdata (smallcaps body plus vref slots), both for messages to the kernel and
/// for data stored in the vatstore. Remotables, presences and promises become slots (each distinct vref once);
/// anything that is not passable raises <see cref="NotPassableException"/>. Stored data may hold only storable
/// references (durable ones for baggage and durable state), and counts each in <c>vom.rc</c>.
/// Built from the vatstore, the export table, the promise table's slots, <paramref name="valFor"/> (what a vref in
/// a delivery or stored data stands for) and <paramref name="exported"/> (told each kind instance passed to the kernel).
/// </summary>
internal sealed class Marshaller(
    VatStore store, ExportTable exports, IPromiseSlots promises, Func<string, string?, object> valFor, Action<string> exported)
{
    private enum Mode { Kernel, Virtual, Durable }

    // ---------------- to capdata ----------------

    public VCapData ToCapData(object? value)
    {
        var slots = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var prepared = Prepare(value, Mode.Kernel, slots, index, 0);
        return new VCapData(SmallCaps.Encode(prepared), [.. slots]);
    }

    public VCapData Methargs(string method, object?[] args)
    {
        var slots = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var prepared = new object?[args.Length];
        for (var i = 0; i < args.Length; i++) prepared[i] = Prepare(args[i], Mode.Kernel, slots, index, 0);
        return new VCapData(SmallCaps.Encode(new object?[] { method, prepared }), [.. slots]);
    }

    private object? Prepare(object? v, Mode mode, List<string> slots, Dictionary<string, int> index, int depth)
    {
        if (depth > 100) throw new NotPassableException("not passable: nested more than 100 levels (a cycle?)");
        switch (v)
        {
            case null or Undefined or bool or string or BigInteger or PassableError: return v;
            case int or long or short or byte or sbyte or ushort or uint: return v;
            case double or float: return v;
            case ulong u: return u <= long.MaxValue ? (long)u : new BigInteger(u);
            case decimal: throw new NotPassableException("not passable: decimal (use long, double or BigInteger)");
            case VatRejectedException r: return Prepare(r.Reason, mode, slots, index, depth + 1);
            case Exception e: return new PassableError(Rejection.ErrorName(e), e.Message);
            case DurablePromise dp: return Slot(mode == Mode.Kernel ? promises.VpidForDurable(dp) : dp.Vpid, null, true);
            case Task t:
                if (mode != Mode.Kernel)
                {
                    if (promises.DurableVpidOf(t) is { } dvpid) return Slot(dvpid, null, true);
                    throw new NotPassableException("not storable: a promise (only durable promises can be stored)");
                }
                return Slot(promises.VpidFor(t), null, true);
            case Presence p:
                if (!ReferenceEquals(p.Owner, exports)) throw new NotPassableException($"not passable: {p} belongs to another vat");
                return Slot(p.Vref, p.Interface, false);
            case IEnumerable when !exports.IsRemotable(v):
                return PrepareData(v, mode, slots, index, depth);
        }
        if (exports.IsRemotable(v))
        {
            var vref = exports.VrefFor(v);
            if (mode != Mode.Kernel)
            {
                var info = VrefInfo.Parse(vref);
                if (!info.IsDurable && !info.IsVirtual)
                    throw new NotPassableException($"not storable: {MethodDispatcher.InterfaceName(v)} is an ephemeral object (use a kind)");
                if (mode == Mode.Durable && !info.IsDurable)
                    throw new NotPassableException($"not storable in durable data: {MethodDispatcher.InterfaceName(v)} is a virtual object");
            }
            else if (KindTable.IsKindVref(vref)) exported(vref);
            return Slot(vref, "Alleged: " + exports.InterfaceOf(v), false);
        }
        throw new NotPassableException($"not passable: a value of type {v.GetType().Name} (mark remotable classes [Far], or use records, lists and data)");

        SlotRef Slot(string vref, string? iface, bool promise)
        {
            if (!index.TryGetValue(vref, out var i))
            {
                i = slots.Count;
                slots.Add(vref);
                index[vref] = i;
            }
            return new SlotRef(i, promise, iface);
        }
    }

    private object PrepareData(object v, Mode mode, List<string> slots, Dictionary<string, int> index, int depth)
    {
        if (v is IDictionary dict)
        {
            var rec = new SortedDictionary<string, object?>(StringComparer.Ordinal);
            foreach (DictionaryEntry e in dict)
            {
                if (e.Key is not string key) throw new NotPassableException("not passable: a record's keys must be strings");
                if (key.StartsWith('#')) throw new NotPassableException($"not passable: record key '{key}' starts with '#' (reserved by smallcaps)");
                rec[key] = Prepare(e.Value, mode, slots, index, depth + 1);
            }
            return rec;
        }
        var list = new List<object?>();
        foreach (var item in (IEnumerable)v) list.Add(Prepare(item, mode, slots, index, depth + 1));
        return list;
    }

    // ---------------- from capdata ----------------

    public object? FromCapData(VCapData data)
    {
        var decoded = SmallCaps.Decode(data.Body, data.Slots.Length);
        return data.Slots.IsEmpty ? decoded : Revive(decoded, data.Slots, stored: false);   // without slots there is nothing to revive
    }

    private object? Revive(object? v, IReadOnlyList<string> slots, bool stored) => v switch
    {
        SlotRef r => stored && r.IsPromise ? promises.DurableFor(slots[r.Index]) : valFor(slots[r.Index], r.Interface),
        List<object?> l => l.Select(x => Revive(x, slots, stored)).ToList(),
        SortedDictionary<string, object?> rec => Record(rec, slots, stored),
        _ => v,
    };

    private SortedDictionary<string, object?> Record(SortedDictionary<string, object?> rec, IReadOnlyList<string> slots, bool stored)
    {
        var result = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (k, x) in rec) result[k] = Revive(x, slots, stored);
        return result;
    }

    // ---------------- stored data ----------------

    private sealed record Stored(string Body, string[] Slots);

    /// <summary>Writes <paramref name="value"/> under <paramref name="key"/>, moving reference counts from the old value's slots to the new one's.</summary>
    public void WriteStored(string key, object? value, bool durable)
    {
        var slots = new List<string>();
        var prepared = Prepare(value, durable ? Mode.Durable : Mode.Virtual, slots, new Dictionary<string, int>(StringComparer.Ordinal), 0);
        var old = store.Get(key) is { } raw ? Parse(raw).Slots : [];
        foreach (var s in slots) store.AddRef(s, 1);
        store.Set(key, JsonSerializer.Serialize(new Stored(SmallCaps.Encode(prepared), [.. slots]), JsonSerializerOptions.Web));
        foreach (var s in old) store.AddRef(s, -1);
    }

    public void DeleteStored(string key)
    {
        if (store.Get(key) is not { } raw) return;
        store.Delete(key);
        foreach (var s in Parse(raw).Slots) store.AddRef(s, -1);
    }

    public object? ReadStored(string raw)
    {
        var s = Parse(raw);
        return Revive(SmallCaps.Decode(s.Body, s.Slots.Length), s.Slots, stored: true);
    }

    private static Stored Parse(string raw) =>
        JsonSerializer.Deserialize<Stored>(raw, JsonSerializerOptions.Web) ?? throw new InvalidOperationException("corrupt stored value in the vatstore");
}

/// <summary>What the marshaller needs of the promise table: the vpid a promise passes as, and the durable promise a stored vpid names.</summary>
internal interface IPromiseSlots
{
    /// <summary>The vpid for a task being passed to the kernel.</summary>
    string VpidFor(Task task);

    /// <summary>The vpid to pass for a durable promise.</summary>
    string VpidForDurable(DurablePromise dp);

    /// <summary>The vpid of a durable promise's task, or null when the task is not one.</summary>
    string? DurableVpidOf(Task task);

    /// <summary>The durable promise a vpid in stored data names.</summary>
    DurablePromise DurableFor(string vpid);
}
