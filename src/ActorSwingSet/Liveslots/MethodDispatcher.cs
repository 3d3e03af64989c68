using System.Collections.Concurrent;
using System.Reflection;
using ActorSwingSet.Vats;

namespace ActorSwingSet.Liveslots;

/// <summary>
/// Finds and calls the public method a message names on a vat's object, converting the decoded arguments to the
/// parameter types. Methods inherited from <see cref="object"/> and property accessors are never callable.
/// </summary>
internal static class MethodDispatcher
{
    private sealed record Candidate(MethodInfo Method, ParameterInfo[] Parameters, int Required);

    private static readonly ConcurrentDictionary<(Type, string), Candidate[]> Cache = new();

    /// <summary>Calls the method; a <c>void</c> method returns <see cref="Undefined"/>, so null stays null.</summary>
    public static object? Invoke(object target, string method, IReadOnlyList<object?> args)
    {
        var methods = Find(target.GetType(), method);
        if (methods.Length == 0) throw new ArgumentException($"{InterfaceName(target)} has no method '{method}'");
        foreach (var (mi, ps, required) in methods)
        {
            if (args.Count < required || args.Count > ps.Length) continue;
            var converted = new object?[ps.Length];
            for (var i = 0; i < ps.Length; i++)
            {
                if (i >= args.Count) { converted[i] = ps[i].DefaultValue; continue; }
                try { converted[i] = Passable.To(args[i], ps[i].ParameterType); }
                catch (InvalidCastException e) { throw new ArgumentException($"{method}: argument {i + 1} ({ps[i].Name}): {e.Message}"); }
            }
            var returned = mi.Invoke(target, BindingFlags.DoNotWrapExceptions, null, converted, null);
            return mi.ReturnType == typeof(void) ? Undefined.Value : returned;
        }
        var counts = string.Join(" or ", methods.Select(m => m.Parameters.Length).Distinct());
        throw new ArgumentException($"{method} takes {counts} argument(s), got {args.Count}");
    }

    private static Candidate[] Find(Type type, string method) => Cache.GetOrAdd((type, method), static key =>
    {
        var (type, name) = key;
        var all = type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.DeclaringType != typeof(object) && !m.IsSpecialName && !m.IsGenericMethodDefinition).ToArray();
        var chosen = all.Where(m => m.Name == name).ToArray();
        if (chosen.Length == 0 && name.Length > 0 && char.IsLower(name[0]))
        {
            var pascal = char.ToUpperInvariant(name[0]) + name[1..];
            chosen = all.Where(m => m.Name == pascal).ToArray();
        }
        return [.. chosen.Select(m => m.GetParameters()).Zip(chosen, (ps, m) => new Candidate(m, ps, ps.Count(p => !p.HasDefaultValue)))];
    });

    public static string InterfaceName(object target) =>
        target.GetType().GetCustomAttribute<FarAttribute>()?.Name ?? target.GetType().Name;

    private static readonly ConcurrentDictionary<Type, bool> FarTypes = new();

    public static bool IsFar(object target) =>
        FarTypes.GetOrAdd(target.GetType(), static t => t.GetCustomAttribute<FarAttribute>() is not null);
}
