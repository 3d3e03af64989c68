using System.Collections.Immutable;

namespace ActorSwingSet;

/// <summary>Capability data on the kernel side of the boundary: a smallcaps JSON body and kernel-reference slots.</summary>
/// <param name="Body">The smallcaps body (<c>#</c> followed by JSON); slot <c>N</c> is referred to as <c>$N</c> or <c>&amp;N</c>.</param>
/// <param name="Slots">The krefs the body refers to, by index.</param>
public sealed record KCapData(string Body, ImmutableArray<Kref> Slots)
{
    /// <summary>Capdata from a smallcaps body and its slots.</summary>
    public static KCapData Of(string body, params Kref[] slots) => new(body, [.. slots]);

    /// <summary>Equal when the bodies and the slots, in order, are equal.</summary>
    public bool Equals(KCapData? other) =>
        other is not null && Body == other.Body && Slots.SequenceEqual(other.Slots);

    /// <summary>A hash of the body and the number of slots, consistent with <see cref="Equals(KCapData)"/>.</summary>
    public override int GetHashCode() => HashCode.Combine(Body, Slots.Length);

    /// <summary>The slots as SwingSet stores them in <c>kpN.data.slots</c>: comma-separated.</summary>
    public string SlotsText => string.Join(",", Slots);
}

/// <summary>Capability data on the vat side of the boundary: a smallcaps JSON body and vat-reference slots.</summary>
/// <param name="Body">The smallcaps body (<c>#</c> followed by JSON); slot <c>N</c> is referred to as <c>$N</c> or <c>&amp;N</c>.</param>
/// <param name="Slots">The vrefs the body refers to, by index.</param>
public sealed record VCapData(string Body, ImmutableArray<string> Slots)
{
    /// <summary>Capdata from a smallcaps body and its vref slots.</summary>
    public static VCapData Of(string body, params string[] slots) => new(body, [.. slots]);

    /// <summary>Equal when the bodies and the slots, in order, are equal.</summary>
    public bool Equals(VCapData? other) =>
        other is not null && Body == other.Body && Slots.SequenceEqual(other.Slots);

    /// <summary>A hash of the body and the number of slots, consistent with <see cref="Equals(VCapData)"/>.</summary>
    public override int GetHashCode() => HashCode.Combine(Body, Slots.Length);
}
