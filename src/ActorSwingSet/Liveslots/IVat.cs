namespace ActorSwingSet.Vats;

/// <summary>
/// A vat written as ordinary C# (what SwingSet users write with liveslots). Each incarnation gets a fresh
/// instance; <see cref="BuildRootObject"/> runs in the incarnation's <c>startVat</c> and returns the root object:
/// a <see cref="FarAttribute">[Far]</see> object whose public methods other vats can call. Durable state lives in
/// the <see cref="Baggage"/> and in durable kinds; everything else is gone after an upgrade.
/// </summary>
public interface IVat
{
    /// <summary>
    /// Builds the root object. <paramref name="vatParameters"/> is the decoded vatParameters (a record, or null when
    /// none were given). May return a <see cref="Task{TResult}"/> of the root. Throwing fails the start: a new vat is
    /// not created, an upgrade is rolled back and the old incarnation keeps running.
    /// </summary>
    object BuildRootObject(VatPowers powers, object? vatParameters, Baggage baggage);
}
