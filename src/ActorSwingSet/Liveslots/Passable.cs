using System.Collections;
using System.Globalization;
using System.Numerics;
using ActorSwingSet.Vats;

namespace ActorSwingSet;

/// <summary>
/// Passable values as C# sees them. Decoded capdata uses: null, <see cref="Undefined"/>, bool, long, double,
/// <see cref="BigInteger"/>, string, <see cref="IReadOnlyList{T}"/> of object (lists),
/// <see cref="IReadOnlyDictionary{TKey,TValue}"/> of string to object (records, keys sorted),
/// <see cref="PassableError"/>, <see cref="Presence"/> and the vat's own objects, and <see cref="Task{TResult}"/>
/// for promises. <see cref="To{T}"/> converts such a value to the type a method wants.
/// </summary>
public static class Passable
{
    /// <summary>A record (copyRecord) from key/value pairs.</summary>
    public static IReadOnlyDictionary<string, object?> Record(params (string Key, object? Value)[] fields)
    {
        var r = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (k, v) in fields) r.Add(k, v);
        return r;
    }

    /// <summary>Converts a decoded passable value to <typeparamref name="T"/>; throws <see cref="InvalidCastException"/> when it cannot.</summary>
    public static T To<T>(object? value) => (T)To(value, typeof(T))!;

    /// <summary>Converts a decoded passable value to <paramref name="type"/>; throws <see cref="InvalidCastException"/> when it cannot.</summary>
    public static object? To(object? value, Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (type == typeof(object)) return value;
        if (value is null or Undefined)
        {
            if (!type.IsValueType || Nullable.GetUnderlyingType(type) is not null) return null;
            throw new InvalidCastException($"expected {Name(type)}, got {(value is null ? "null" : "undefined")}");
        }
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target.IsInstanceOfType(value)) return value;
        try
        {
            switch (value)
            {
                case long l when target == typeof(int): return checked((int)l);
                case long l when target == typeof(short): return checked((short)l);
                case long l when target == typeof(byte): return checked((byte)l);
                case long l when target == typeof(uint): return checked((uint)l);
                case long l when target == typeof(ulong): return checked((ulong)l);
                case long l when target == typeof(double): return (double)l;
                case long l when target == typeof(float): return (float)l;
                case long l when target == typeof(decimal): return (decimal)l;
                case long l when target == typeof(BigInteger): return new BigInteger(l);
                case double d when target == typeof(float): return (float)d;
                case BigInteger b when target == typeof(long): return (long)b;
                case BigInteger b when target == typeof(int): return (int)b;
                case BigInteger b when target == typeof(ulong): return (ulong)b;
                case Task<object?> t when target == typeof(Task): return t;
            }
        }
        catch (OverflowException)
        {
            throw new InvalidCastException($"{value} does not fit in {Name(target)}");
        }
        if (value is IReadOnlyList<object?> list && TryList(list, target, out var converted)) return converted;
        if (value is IReadOnlyDictionary<string, object?> rec && TryRecord(rec, target, out var convertedRecord)) return convertedRecord;
        throw new InvalidCastException($"expected {Name(type)}, got {Describe(value)}");
    }

    private static bool TryList(IReadOnlyList<object?> list, Type target, out object? result)
    {
        result = null;
        Type? element = null;
        if (target.IsArray) element = target.GetElementType();
        else if (target.IsGenericType && target.GetGenericArguments() is [var arg]
                 && target.GetGenericTypeDefinition() is var def
                 && (def == typeof(List<>) || def == typeof(IReadOnlyList<>) || def == typeof(IList<>) || def == typeof(IEnumerable<>)
                     || def == typeof(IReadOnlyCollection<>) || def == typeof(ICollection<>)))
            element = arg;
        if (element is null) return false;
        if (target.IsArray)
        {
            var array = Array.CreateInstance(element, list.Count);
            for (var i = 0; i < list.Count; i++) array.SetValue(To(list[i], element), i);
            result = array;
            return true;
        }
        var typed = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
        foreach (var item in list) typed.Add(To(item, element));
        result = typed;
        return true;
    }

    private static bool TryRecord(IReadOnlyDictionary<string, object?> rec, Type target, out object? result)
    {
        result = null;
        if (!target.IsGenericType || target.GetGenericArguments() is not [var key, var element] || key != typeof(string)) return false;
        var def = target.GetGenericTypeDefinition();
        if (def != typeof(Dictionary<,>) && def != typeof(IReadOnlyDictionary<,>) && def != typeof(IDictionary<,>)) return false;
        var typed = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(key, element), StringComparer.Ordinal)!;
        foreach (var (k, v) in rec) typed.Add(k, To(v, element));
        result = typed;
        return true;
    }

    internal static string Describe(object? value) => value switch
    {
        null => "null",
        Undefined => "undefined",
        string => "a string",
        long or double or BigInteger => "a number",
        bool => "a boolean",
        IReadOnlyList<object?> => "a list",
        IReadOnlyDictionary<string, object?> => "a record",
        Presence p => p.ToString(),
        _ => "a " + value.GetType().Name,
    };

    private static string Name(Type t) => t.Name;

    /// <summary>Formats a passable value compactly (for messages and tests): records as <c>{k: v}</c>, lists as <c>[a, b]</c>.</summary>
    public static string Format(object? value) => value switch
    {
        null => "null",
        Undefined => "undefined",
        string s => "'" + s + "'",
        bool b => b ? "true" : "false",
        long or int => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        BigInteger bi => bi.ToString(CultureInfo.InvariantCulture) + "n",
        PassableError e => $"{e.Name}('{e.Message}')",
        IReadOnlyDictionary<string, object?> r => "{" + string.Join(", ", r.Select(kv => kv.Key + ": " + Format(kv.Value))) + "}",
        IEnumerable e when value is not string => "[" + string.Join(", ", e.Cast<object?>().Select(Format)) + "]",
        _ => value.ToString() ?? "?",
    };
}
