using System.Text;
using CsCheck;

namespace ActorSwingSet.Tests.Scenarios.Random;

/// <summary>One thing the host does in a scenario. Vat and held-promise indexes are taken modulo the current count.</summary>
public abstract record Step
{
    /// <summary>Writes the step as indented lines.</summary>
    public abstract void Print(StringBuilder sb);
}

/// <summary>
/// Queue <see cref="Body"/> to a vat's root (<see cref="Target"/> indexes every vat ever made, dead ones too) or,
/// with <see cref="ToHeld"/>, to a result promise the host holds (pipelining); the arguments are vat roots and
/// held promises (a negative vat index names the vat-admin service, when there is one). The result promise is held.
/// </summary>
public sealed record HostSend(bool ToHeld, int Target, int[] ArgVats, int[] ArgHeld, Op[] Body) : Step
{
    /// <inheritdoc/>
    public override void Print(StringBuilder sb)
    {
        var args = ArgVats.Select(v => v < 0 ? "vatAdminService" : $"root(vat#{v})").Concat(ArgHeld.Select(h => $"held#{h}"));
        sb.AppendLine($"host sends to {(ToHeld ? $"held#{Target}" : $"root(vat#{Target})")} args [{string.Join(", ", args)}]{(Body.Length > 0 ? ":" : "")}");
        Op.PrintAll(sb, Body, 1);
    }
}

/// <summary>Run up to <see cref="Cranks"/> cranks, auditing after each.</summary>
public sealed record RunCranks(int Cranks) : Step
{
    /// <inheritdoc/>
    public override void Print(StringBuilder sb) => sb.AppendLine($"run {Cranks} cranks");
}

/// <summary>Release a held promise.</summary>
public sealed record Release(int Held) : Step
{
    /// <inheritdoc/>
    public override void Print(StringBuilder sb) => sb.AppendLine($"release held#{Held}");
}

/// <summary>Upgrade a vat (to a bundle whose startVat throws, with <see cref="Fails"/>); vatParameters may name a vat root.</summary>
public sealed record Upgrade(int Vat, bool Fails, int? ParamVat) : Step
{
    /// <inheritdoc/>
    public override void Print(StringBuilder sb) =>
        sb.AppendLine($"upgrade vat#{Vat}{(Fails ? " (startVat fails)" : "")}{(ParamVat is { } p ? $" with root(vat#{p})" : "")}");
}

/// <summary>Terminate a vat.</summary>
public sealed record Terminate(int Vat, bool Failure) : Step
{
    /// <inheritdoc/>
    public override void Print(StringBuilder sb) => sb.AppendLine($"terminate vat#{Vat}{(Failure ? " as a failure" : "")}");
}

/// <summary>Create a dynamic vat; vatParameters may name a vat root.</summary>
public sealed record Create(bool Pipelining, int? ParamVat) : Step
{
    /// <inheritdoc/>
    public override void Print(StringBuilder sb) =>
        sb.AppendLine($"create vat{(Pipelining ? " with pipelining" : "")}{(ParamVat is { } p ? $" with root(vat#{p})" : "")}");
}

/// <summary>Commit a block (the journal write a restart recovers from).</summary>
public sealed record Commit : Step
{
    /// <inheritdoc/>
    public override void Print(StringBuilder sb) => sb.AppendLine("commit");
}

/// <summary>
/// A generated scenario: static vats (with or without pipelining), the reap interval, the host's steps, and the
/// point before which the restart run restarts the kernel (<see cref="Steps"/>.Length: after the last step). With
/// <see cref="VatAdmin"/> the kernel runs the vat-admin vat, whose service the host can pass to vats.
/// </summary>
public sealed record Scenario(bool[] StaticPipelining, int ReapInterval, Step[] Steps, int RestartAt, bool VatAdmin)
{
    /// <inheritdoc/>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.AppendLine(
            $"{StaticPipelining.Length} static vats ({string.Join(", ", StaticPipelining.Select((p, i) => $"vat#{i}{(p ? " pipelining" : "")}"))}), "
            + $"reap interval {ReapInterval}{(VatAdmin ? ", vat-admin vat" : "")}");
        for (var i = 0; i <= Steps.Length; i++)
        {
            if (i == RestartAt) sb.AppendLine("-- restart here (the run without restart releases every held promise here) --");
            if (i < Steps.Length)
            {
                sb.Append(i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(". ");
                Steps[i].Print(sb);
            }
        }
        return sb.ToString();
    }
}

/// <summary>The CsCheck generators of scenarios.</summary>
public static class ScenarioGen
{
    private static readonly Gen<int> Index = Gen.Int[0, 7];

    private static Gen<Ref> RefOf(params Src[] sources) => Gen.Select(Gen.Int[0, sources.Length - 1].Select(i => sources[i]), Index, (s, i) => new Ref(s, i));

    private static readonly Gen<Ref> Target = RefOf(Src.Arg, Src.Obj, Src.Exp, Src.Root, Src.Prom, Src.Dec, Src.Res, Src.Last);
    private static readonly Gen<Ref> Data = RefOf(Src.Arg, Src.Obj, Src.Exp, Src.Root, Src.Prom, Src.Dec, Src.Last, Src.NewExp, Src.NewDurable, Src.NewProm);

    // failures are rare: a vat that dies ends its part of the scenario
    private static Gen<Op> OpGen(int depth) => Gen.Frequency(
        (20, depth == 0
            ? Gen.Select(Target, Data.Array[0, 3], Gen.Bool, (t, a, r) => (Op)new Send(t, a, r, []))
            : Gen.Select(Target, Data.Array[0, 3], Gen.Int[0, 3], ProgramGen(depth - 1), (t, a, r, b) => (Op)new Send(t, a, r > 0, b))),
        (16, Gen.Select(Gen.Frequency((3, Gen.Const(Src.Res)), (1, Gen.Const(Src.Dec))), Index, Gen.Enum<How>(), Data.Array[0, 3],
            (s, i, h, d) => (Op)new Resolve(new Ref(s, i), h, d))),
        (4, RefOf(Src.Dec, Src.Res, Src.NewProm, Src.Prom).Select(r => (Op)new Subscribe(r))),
        (2, RefOf(Src.Dec, Src.Res, Src.NewProm).Select(r => (Op)new MarkDurable(r))),
        (2, Gen.Select(Index, Gen.Bool, (i, r) => (Op)new DropImport(i, r))),
        (2, Index.Select(i => (Op)new RetireImport(i))),
        (2, Index.Select(i => (Op)new AbandonExport(i))),
        (2, Index.Select(i => (Op)new RetireExport(i))),
        (2, Gen.Int[0, 3].Select(i => (Op)new Store(i))),
        (2, Gen.Select(Gen.Enum<AdminCall>(), Index, Data.Array[0, 2], Gen.Bool,
            (c, i, p, pl) => (Op)new Admin(c, new Ref(c == AdminCall.CreateVat ? Src.Arg : Src.Node, i), p, pl))),
        (1, Gen.Frequency((3, Gen.Const(FailKind.Throw)), (2, Gen.Const(FailKind.Illegal)), (2, Gen.Const(FailKind.ExitFailure)), (1, Gen.Const(FailKind.ExitClean)))
            .Select(k => (Op)new Fail(k))));

    /// <summary>A program of one to five operations; sends carry programs of depth - 1.</summary>
    public static Gen<Op[]> ProgramGen(int depth) => OpGen(depth).Array[1, 5].Select(ops =>
    {
        // a failure ends the delivery: what would follow it never runs, so it is left out
        var fail = Array.FindIndex(ops, o => o is Fail);
        return fail < 0 ? ops : ops[..(fail + 1)];
    });

    private static readonly Gen<Step> StepGen = Gen.Frequency(
        (10, Gen.Select(Gen.Int[0, 3], Index, Gen.Int[-1, 5].Array[0, 2], Gen.Int[0, 7].Array[0, 2], ProgramGen(2),
            (h, t, av, ah, b) => (Step)new HostSend(h == 0, t, av, ah, b))),
        (6, Gen.Int[1, 30].Select(n => (Step)new RunCranks(n))),
        (2, Index.Select(i => (Step)new Release(i))),
        (2, Gen.Select(Gen.Int[0, 5], Gen.Int[0, 3], Gen.Int[0, 5], (v, f, p) => (Step)new Upgrade(v, f == 0, p % 2 == 0 ? p : null))),
        (1, Gen.Select(Gen.Int[0, 5], Gen.Bool, (v, f) => (Step)new Terminate(v, f))),
        (1, Gen.Select(Gen.Bool, Gen.Int[0, 5], (p, v) => (Step)new Create(p, v % 2 == 0 ? v : null))),
        (1, Gen.Const((Step)new Commit())));

    /// <summary>Scenarios of 2 to 4 static vats and up to 30 steps.</summary>
    public static readonly Gen<Scenario> Scenarios =
        Gen.Select(Gen.Bool.Array[2, 4], Gen.Frequency((2, Gen.Const(0)), (1, Gen.Int[1, 6])), StepGen.Array[1, 30], Gen.Int[0, 1000], Gen.Bool,
            (p, reap, steps, at, admin) => new Scenario(p, reap, steps, at % (steps.Length + 1), admin));
}
