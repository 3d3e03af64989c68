namespace ActorSwingSet.Vats;

/// <summary>
/// Marks a whole assembly as vat code (<c>[assembly: VatCode]</c>) for the vat-code analyzers shipped with this
/// package: every type in it is then checked for what would make a vat's replay differ from its first run (wall-clock
/// time, randomness, timers, threads, static mutable state, I/O, the environment). Without it only vats, [Far]
/// classes and kind behaviour types are checked; mark an assembly that holds their helpers too.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class VatCodeAttribute : Attribute;
