using System.Collections;

namespace ActorSwingSet;

/// <summary>
/// Passable values on the host's side of the kernel: references are <see cref="Kref"/>s. Encodes a method call
/// whose arguments may hold krefs (anywhere in lists and records) and decodes capdata back with krefs in place of
/// slots.
/// </summary>
public static class HostValues
{
    /// <summary><c>[method, [args...]]</c> as kernel capdata; every <see cref="Kref"/> in the arguments becomes a slot.</summary>
    public static KCapData Methargs(string method, params object?[] args) => Encode(new object?[] { method, args });

    /// <summary>Any passable value as kernel capdata; every <see cref="Kref"/> in it becomes a slot.</summary>
    public static KCapData Encode(object? value)
    {
        var slots = new List<Kref>();
        var prepared = Prepare(value, slots);
        return new KCapData(SmallCaps.Encode(prepared), [.. slots]);
    }

    private static object? Prepare(object? v, List<Kref> slots)
    {
        switch (v)
        {
            case Kref k:
                var i = slots.IndexOf(k);
                if (i < 0)
                {
                    i = slots.Count;
                    slots.Add(k);
                }
                return new SlotRef(i, k.IsPromise, k.IsPromise ? null : "Alleged: " + k);
            case null or string: return v;
            case IDictionary d:
                var rec = new SortedDictionary<string, object?>(StringComparer.Ordinal);
                foreach (DictionaryEntry e in d)
                    rec[e.Key as string ?? throw new ArgumentException("record keys must be strings")] = Prepare(e.Value, slots);
                return rec;
            case IEnumerable list:
                return list.Cast<object?>().Select(x => Prepare(x, slots)).ToList();
            default:
                return v;
        }
    }

    /// <summary>Decodes kernel capdata; slots come back as <see cref="Kref"/>s.</summary>
    public static object? Decode(KCapData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Replace(SmallCaps.Decode(data.Body, data.Slots.Length), data);
    }

    private static object? Replace(object? v, KCapData data) => v switch
    {
        SlotRef r => data.Slots[r.Index],
        List<object?> l => l.Select(x => Replace(x, data)).ToList(),
        SortedDictionary<string, object?> rec => new SortedDictionary<string, object?>(rec.ToDictionary(kv => kv.Key, kv => Replace(kv.Value, data)), StringComparer.Ordinal),
        _ => v,
    };
}
