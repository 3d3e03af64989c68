namespace ActorSwingSet;

/// <summary>A promise's settlement state, as SwingSet names it.</summary>
public enum PromiseState
{
    /// <summary>Not settled yet; its decider (a vat, or the kernel) may still settle it.</summary>
    Unresolved,
    /// <summary>Settled with a value.</summary>
    Fulfilled,
    /// <summary>Settled with a rejection reason.</summary>
    Rejected,
}
