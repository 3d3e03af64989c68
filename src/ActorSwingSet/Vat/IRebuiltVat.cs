namespace ActorSwingSet.Vat;

/// <summary>
/// A vat whose code holds references in memory (liveslots). When its code is rebuilt after a kernel restart it has no
/// presence for the imports its c-list still holds, so it is told which they are: those it no longer reaches (no
/// presence, nothing stored) are dropped at its next bringOutYourDead, as they would have been without the restart.
/// </summary>
internal interface IRebuiltVat
{
    /// <summary>Called once, before the first delivery to code rebuilt after a restart, with the reachable object imports.</summary>
    void Rebuilt(IReadOnlyList<string> imports);
}
