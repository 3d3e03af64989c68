using System.Collections;

namespace ActorSwingSet.Kernel.State;

/// <summary>
/// A read-only view of a keeper row's sorted set. A struct whose <c>foreach</c> uses the set's own enumerator, so
/// reading a row's set on the crank path allocates no more than reading the set itself.
/// </summary>
internal readonly struct ReadOnlySortedSet<T>(SortedSet<T> set) : IReadOnlyCollection<T>
{
    /// <summary>How many items the set holds.</summary>
    public int Count => set.Count;

    /// <summary>Whether the set holds <paramref name="item"/>.</summary>
    public bool Contains(T item) => set.Contains(item);

    /// <summary>The items in the set's order.</summary>
    public SortedSet<T>.Enumerator GetEnumerator() => set.GetEnumerator();

    IEnumerator<T> IEnumerable<T>.GetEnumerator() => set.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => set.GetEnumerator();
}
