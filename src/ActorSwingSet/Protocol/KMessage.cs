namespace ActorSwingSet.Protocol;

/// <summary>A message in kernel terms: methargs capdata and an optional result promise.</summary>
internal sealed record KMessage(KCapData Methargs, Kref? Result)
{
    /// <summary>Every kref the message names (result, then argument slots), for reference counting.</summary>
    public IEnumerable<Kref> Krefs()
    {
        if (Result is { } r) yield return r;
        foreach (var s in Methargs.Slots) yield return s;
    }
}
