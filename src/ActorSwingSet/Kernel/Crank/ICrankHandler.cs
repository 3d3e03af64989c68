using ActorSwingSet.Kernel.State;

namespace ActorSwingSet.Kernel.Crank;

/// <summary>Performs one kind of event and says what becomes of the crank; it never commits or aborts itself.</summary>
internal interface ICrankHandler
{
    /// <summary>
    /// Performs <paramref name="ev"/> through its context and returns the crank's result (a value task: most cranks
    /// finish without waiting, and then cost no task allocation).
    /// </summary>
    ValueTask<CrankResult> HandleAsync(KernelEvent ev);
}

/// <summary>Terminates a vat in the current crank, as a <see cref="CrankResult"/> asks.</summary>
internal interface IVatTerminator
{
    /// <summary>Terminates the vat if it is alive; returns whether it was (its host is destroyed after the commit).</summary>
    Task<bool> TerminateAsync(CrankTermination termination);
}
