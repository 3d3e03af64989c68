using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ActorSwingSet.Vats;

namespace ActorSwingSet.Tests.Scenarios.Random;

/// <summary>Where a <see cref="Ref"/> is looked up by the vat that runs a program.</summary>
public enum Src
{
    /// <summary>A slot of the message being delivered.</summary>
    Arg,
    /// <summary>An object the vat imports and can reach.</summary>
    Obj,
    /// <summary>An object the vat exports (not its root).</summary>
    Exp,
    /// <summary>The vat's root object.</summary>
    Root,
    /// <summary>A promise another vat decides (or one settled and awaiting its notify).</summary>
    Prom,
    /// <summary>A promise the vat decides.</summary>
    Dec,
    /// <summary>The result promise of the message being delivered.</summary>
    Res,
    /// <summary>The result promise of the previous send in this program (a pipelined send).</summary>
    Last,
    /// <summary>A new ephemeral export (<c>o+N</c>).</summary>
    NewExp,
    /// <summary>A new durable export (<c>o+d10/N</c>).</summary>
    NewDurable,
    /// <summary>A new promise the vat decides (<c>p+N</c>).</summary>
    NewProm,
    /// <summary>An admin node the vat-admin service gave the vat for a vat it created.</summary>
    Node,
}

/// <summary>
/// A reference named by a program: the <see cref="I"/>-th (modulo the count) of the vat's references of kind
/// <see cref="Src"/>, in vref order, at the moment the operation runs. Picking modulo the count means every program
/// is valid whatever state the vat is in; when nothing fits, the operation falls back or is skipped.
/// </summary>
public readonly record struct Ref(Src Src, int I)
{
    /// <inheritdoc/>
    public override string ToString() => Src switch
    {
        Src.Root => "root",
        Src.Res => "result",
        Src.Last => "last",
        Src.NewExp => "newExport",
        Src.NewDurable => "newDurable",
        Src.NewProm => "newPromise",
        Src.Node => $"adminNode#{I}",
        _ => $"{Src.ToString().ToLowerInvariant()}#{I}",
    };
}

/// <summary>How a <see cref="Resolve"/> settles its promise.</summary>
public enum How
{
    /// <summary>Fulfilled with a list of the data references (possibly promises).</summary>
    Fulfil,
    /// <summary>Fulfilled with one object: later sends to the promise go to it.</summary>
    ToObject,
    /// <summary>Fulfilled with a record naming a new promise, settled in the same syscall.</summary>
    Nested,
    /// <summary>Rejected, with the data references in the reason.</summary>
    Reject,
}

/// <summary>How a <see cref="Fail"/> ends the delivery.</summary>
public enum FailKind
{
    /// <summary>The vat code throws.</summary>
    Throw,
    /// <summary>An illegal syscall (resolving a promise another vat decides, or sending to an unknown vref).</summary>
    Illegal,
    /// <summary><c>exit(true)</c>: the delivery is unwound and the vat terminated.</summary>
    ExitFailure,
    /// <summary><c>exit(false)</c>: the delivery stands and the vat is terminated.</summary>
    ExitClean,
}

/// <summary>What an <see cref="Admin"/> asks of the vat-admin service or of an admin node.</summary>
public enum AdminCall
{
    /// <summary><c>createVat('scripted', {vatParameters, enablePipelining})</c> to the service.</summary>
    CreateVat,
    /// <summary><c>upgrade('scripted-v2', ...)</c> to an admin node.</summary>
    Upgrade,
    /// <summary><c>upgrade('scripted-broken', ...)</c> to an admin node: startVat fails.</summary>
    UpgradeBroken,
    /// <summary><c>terminateWithFailure(reason)</c> to an admin node.</summary>
    Terminate,
    /// <summary><c>done()</c> to an admin node.</summary>
    Done,
}

/// <summary>One operation of a program a <see cref="ScriptedVat"/> runs when a message is delivered to it.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "k")]
[JsonDerivedType(typeof(Send), "send")]
[JsonDerivedType(typeof(Resolve), "resolve")]
[JsonDerivedType(typeof(Subscribe), "subscribe")]
[JsonDerivedType(typeof(MarkDurable), "durable")]
[JsonDerivedType(typeof(DropImport), "drop")]
[JsonDerivedType(typeof(RetireImport), "retireImport")]
[JsonDerivedType(typeof(AbandonExport), "abandon")]
[JsonDerivedType(typeof(RetireExport), "retireExport")]
[JsonDerivedType(typeof(Store), "store")]
[JsonDerivedType(typeof(Fail), "fail")]
[JsonDerivedType(typeof(Admin), "admin")]
public abstract record Op
{
    /// <summary>Writes the operation (and any program it carries) as indented lines.</summary>
    public abstract void Print(System.Text.StringBuilder sb, int indent);

    internal static void PrintAll(System.Text.StringBuilder sb, IReadOnlyList<Op> ops, int indent)
    {
        foreach (var op in ops) op.Print(sb, indent);
    }

    private protected static void Line(System.Text.StringBuilder sb, int indent, string text) => sb.Append(' ', indent * 2).AppendLine(text);
}

/// <summary>Send <see cref="Body"/> (the program the receiver runs) to <see cref="To"/>, with a result promise or not.</summary>
public sealed record Send(Ref To, Ref[] Args, bool Result, Op[] Body) : Op
{
    /// <inheritdoc/>
    public override void Print(System.Text.StringBuilder sb, int indent)
    {
        Line(sb, indent, $"send to {To} args [{string.Join(", ", Args)}]{(Result ? " with result" : "")}{(Body.Length > 0 ? ":" : "")}");
        PrintAll(sb, Body, indent + 1);
    }
}

/// <summary>Settle a promise the vat decides (<see cref="Src.Res"/> or <see cref="Src.Dec"/>).</summary>
public sealed record Resolve(Ref Which, How How, Ref[] Data) : Op
{
    /// <inheritdoc/>
    public override void Print(System.Text.StringBuilder sb, int indent) =>
        Line(sb, indent, $"resolve {Which} {How.ToString().ToLowerInvariant()} [{string.Join(", ", Data)}]");
}

/// <summary>Subscribe to a promise: one the vat decides is a self-subscription.</summary>
public sealed record Subscribe(Ref Which) : Op
{
    /// <inheritdoc/>
    public override void Print(System.Text.StringBuilder sb, int indent) => Line(sb, indent, $"subscribe {Which}");
}

/// <summary>Mark a promise the vat decides durable: it survives an upgrade unresolved.</summary>
public sealed record MarkDurable(Ref Which) : Op
{
    /// <inheritdoc/>
    public override void Print(System.Text.StringBuilder sb, int indent) => Line(sb, indent, $"markDurable {Which}");
}

/// <summary>Drop the <see cref="I"/>-th reachable import; with <see cref="Retire"/>, retire it too.</summary>
public sealed record DropImport(int I, bool Retire) : Op
{
    /// <inheritdoc/>
    public override void Print(System.Text.StringBuilder sb, int indent) => Line(sb, indent, $"dropImport #{I}{(Retire ? " and retire" : "")}");
}

/// <summary>Retire the <see cref="I"/>-th dropped import.</summary>
public sealed record RetireImport(int I) : Op
{
    /// <inheritdoc/>
    public override void Print(System.Text.StringBuilder sb, int indent) => Line(sb, indent, $"retireImport #{I}");
}

/// <summary>Abandon the <see cref="I"/>-th export.</summary>
public sealed record AbandonExport(int I) : Op
{
    /// <inheritdoc/>
    public override void Print(System.Text.StringBuilder sb, int indent) => Line(sb, indent, $"abandonExport #{I}");
}

/// <summary>Retire the <see cref="I"/>-th export the kernel dropped.</summary>
public sealed record RetireExport(int I) : Op
{
    /// <inheritdoc/>
    public override void Print(System.Text.StringBuilder sb, int indent) => Line(sb, indent, $"retireExport #{I}");
}

/// <summary>Write a vatstore key (state that must survive upgrades and restarts).</summary>
public sealed record Store(int Key) : Op
{
    /// <inheritdoc/>
    public override void Print(System.Text.StringBuilder sb, int indent) => Line(sb, indent, $"store k{Key}");
}

/// <summary>End the delivery badly, or exit.</summary>
public sealed record Fail(FailKind Kind) : Op
{
    /// <inheritdoc/>
    public override void Print(System.Text.StringBuilder sb, int indent) => Line(sb, indent, Kind switch
    {
        FailKind.Throw => "throw",
        FailKind.Illegal => "illegal syscall",
        FailKind.ExitFailure => "exit(failure)",
        _ => "exit(clean)",
    });
}

/// <summary>
/// Call the vat-admin service (<see cref="AdminCall.CreateVat"/>, to <see cref="To"/>) or an admin node (the others,
/// to <see cref="Src.Node"/> picks), with a result promise; the vatParameters name <see cref="Params"/>.
/// </summary>
public sealed record Admin(AdminCall Call, Ref To, Ref[] Params, bool Pipelining) : Op
{
    /// <inheritdoc/>
    public override void Print(System.Text.StringBuilder sb, int indent) =>
        Line(sb, indent, $"vat-admin {Call} to {To}{(Call == AdminCall.CreateVat && Pipelining ? " with pipelining" : "")} params [{string.Join(", ", Params)}]");
}

/// <summary>
/// A raw vat whose behaviour is the program carried by each message (<c>run(programJson, ...slots)</c>). It keeps
/// everything it knows in its vatstore (the kind of each vref it holds, its vref counters), never in memory, so it
/// behaves the same after an upgrade or a kernel restart as it would have without: what it does depends only on
/// the delivery and the vatstore. Like liveslots, it subscribes to every promise it imports.
/// Record kinds (<c>r.VREF</c>): <c>O</c> reachable import, <c>o</c> dropped import, <c>E</c> export, <c>e</c>
/// export the kernel dropped, <c>I</c> imported promise, <c>X</c> own promise rejected by an upgrade and awaiting
/// its notify, <c>D</c> promise it decides, with <c>S</c> (self-subscribed) and <c>U</c> (durable) flags; <c>OA</c>
/// an admin node. <c>admin.VPID</c> marks the result of a <c>createVat</c> it asked for.
/// </summary>
public sealed class ScriptedVat : IRawVat
{
    internal static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    /// <summary>startVat throws (a bundle whose upgrade fails).</summary>
    public bool BrokenStart { get; init; }

    /// <summary>The methargs of a message that makes the receiver run <paramref name="body"/>.</summary>
    public static string Methargs(IReadOnlyList<Op> body, int slotCount, Func<int, bool> isPromise)
    {
        var args = new object?[slotCount + 1];
        args[0] = JsonSerializer.Serialize(body.ToArray(), Json);
        for (var i = 0; i < slotCount; i++) args[i + 1] = new SlotRef(i, isPromise(i), isPromise(i) ? null : "ref");
        return SmallCaps.Methargs("run", args);
    }

    /// <inheritdoc/>
    public void Deliver(VatDelivery delivery, IVatSyscalls syscalls)
    {
        var v = new Run(syscalls);
        switch (delivery)
        {
            case StartVatDelivery sv:
                if (syscalls.VatstoreGet("started") is not null) v.ForgetWhatAnUpgradeEnds();
                syscalls.VatstoreSet("started", "1");
                if (BrokenStart) throw new InvalidOperationException("this bundle's startVat fails");
                v.Learn(sv.VatParameters.Slots, null);
                break;
            case MessageDelivery m:
                v.Learn(m.Methargs.Slots, null);
                if (m.Result is { } r) v.Set(r, v.Kind(r) is { } k && (k[0] == 'I' || k.Contains('S')) ? "DS" : "D");
                if (SmallCaps.Decode(m.Methargs.Body, m.Methargs.Slots.Length) is List<object?> { Count: 2 } l
                    && l[0] as string == "run" && l[1] is List<object?> { Count: > 0 } a && a[0] is string program)
                    v.Execute(JsonSerializer.Deserialize<Op[]>(program, Json)!, m.Methargs.Slots, m.Result);
                break;
            case NotifyDelivery n:
                var retired = n.Resolutions.Select(x => x.Vpid).ToHashSet(StringComparer.Ordinal);
                foreach (var vpid in retired) v.Delete(vpid);
                foreach (var res in n.Resolutions) v.Learn(res.Data.Slots, retired);
                foreach (var res in n.Resolutions) v.LearnAdminNode(res);
                break;
            case DropExportsDelivery de:
                foreach (var vref in de.Vrefs) v.Set(vref, "e");
                break;
            case RetireExportsDelivery re:
                foreach (var vref in re.Vrefs) v.Delete(vref);
                break;
            case RetireImportsDelivery ri:
                foreach (var vref in ri.Vrefs) v.Delete(vref);
                break;
            case BringOutYourDeadDelivery:
                // what liveslots does with imports it no longer uses: retire the dropped ones
                var dropped = v.All('o');
                if (dropped.Count > 0)
                {
                    syscalls.RetireImports(dropped);
                    foreach (var vref in dropped) v.Delete(vref);
                }
                break;
        }
    }

    /// <summary>One delivery's view of the vat: its records, read from the vatstore, written through.</summary>
    private sealed class Run
    {
        private readonly IVatSyscalls _s;
        private readonly SortedDictionary<string, string> _recs = new(StringComparer.Ordinal);

        public Run(IVatSyscalls s)
        {
            _s = s;
            for (var key = s.VatstoreGetNextKey("r."); key is not null && key.StartsWith("r.", StringComparison.Ordinal); key = s.VatstoreGetNextKey(key))
                _recs[key[2..]] = s.VatstoreGet(key)!;
        }

        public string? Kind(string vref) => _recs.GetValueOrDefault(vref);

        public void Set(string vref, string kind)
        {
            if (Kind(vref) == kind) return;
            _recs[vref] = kind;
            _s.VatstoreSet("r." + vref, kind);
        }

        public void Delete(string vref)
        {
            if (_recs.Remove(vref)) _s.VatstoreDelete("r." + vref);
        }

        public List<string> All(char kind) => [.. _recs.Where(r => r.Value[0] == kind).Select(r => r.Key)];

        private List<string> Matching(Func<string, bool> kind) => [.. _recs.Where(r => kind(r.Value)).Select(r => r.Key)];

        private string Next(char kind, string prefix)
        {
            var key = "n." + kind;
            var n = long.Parse(_s.VatstoreGet(key) ?? "1", CultureInfo.InvariantCulture);
            _s.VatstoreSet(key, (n + 1).ToString(CultureInfo.InvariantCulture));
            return prefix + n.ToString(CultureInfo.InvariantCulture);
        }

        /// <summary>
        /// The start of a new incarnation: the kernel deleted its ephemeral exports and every promise it decided
        /// that was neither durable nor self-subscribed; a self-subscribed one was rejected and awaits its notify.
        /// </summary>
        public void ForgetWhatAnUpgradeEnds()
        {
            foreach (var (vref, kind) in _recs.ToList())
            {
                if (kind[0] is 'E' or 'e' && !vref.StartsWith("o+d", StringComparison.Ordinal)) Delete(vref);
                else if (kind[0] == 'D' && !kind.Contains('U')) { if (kind.Contains('S')) Set(vref, "X"); else Delete(vref); }
            }
        }

        /// <summary>Records what a delivery's slots introduce; subscribes to new imported promises.</summary>
        public void Learn(IEnumerable<string> slots, HashSet<string>? retired)
        {
            foreach (var vref in slots)
            {
                if (vref == "o+0" || retired?.Contains(vref) == true) continue;
                var kind = Kind(vref);
                if (vref[0] == 'o')
                {
                    // the kernel only sends reachable references: a dropped import or export is reachable again
                    if (vref[1] == '-') { if (kind is not ['O', ..]) Set(vref, "O"); }
                    else Set(vref, "E");
                }
                else if (kind is null)
                {
                    Set(vref, "I");
                    _s.Subscribe(vref);
                }
            }
        }

        /// <summary>A createVat this vat asked for has settled: its <c>adminNode</c> is an admin node.</summary>
        public void LearnAdminNode(VatResolution res)
        {
            if (_s.VatstoreGet("admin." + res.Vpid) is null) return;
            _s.VatstoreDelete("admin." + res.Vpid);
            if (!res.Rejected && SmallCaps.Decode(res.Data.Body, res.Data.Slots.Length) is IReadOnlyDictionary<string, object?> rec
                && rec.GetValueOrDefault("adminNode") is SlotRef node && res.Data.Slots[node.Index] is ['o', '-', ..] vref && Kind(vref) == "O")
                Set(vref, "OA");
        }

        private static bool Usable(string kind) => kind[0] is 'O' or 'E' or 'e' or 'I' or 'X' or 'D';

        /// <summary>The vref <paramref name="r"/> names now, allocating new ones; null when nothing fits.</summary>
        private string? Resolve(Ref r, IReadOnlyList<string> args, string? result, string? last)
        {
            string? Pick(List<string> l) => l.Count == 0 ? null : l[r.I % l.Count];
            switch (r.Src)
            {
                case Src.Arg:
                    var a = args.Count == 0 ? null : args[r.I % args.Count];
                    return a is null ? null : a == "o+0" || Kind(a) is { } k && Usable(k) ? a : null;
                case Src.Obj: return Pick(All('O'));
                case Src.Node: return Pick(Matching(k => k == "OA"));
                case Src.Exp: return Pick(Matching(k => k[0] is 'E' or 'e'));
                case Src.Root: return "o+0";
                case Src.Prom: return Pick(Matching(k => k[0] is 'I' or 'X'));
                case Src.Dec: return Pick(All('D'));
                case Src.Res: return result is not null && Kind(result) is ['D', ..] ? result : null;
                case Src.Last: return last is not null && Kind(last) is { } lk && Usable(lk) ? last : null;
                case Src.NewExp: { var o = Next('o', "o+"); Set(o, "E"); return o; }
                case Src.NewDurable: { var o = Next('d', "o+d10/"); Set(o, "E"); return o; }
                default: { var p = Next('p', "p+"); Set(p, "D"); return p; }
            }
        }

        private static SlotRef Slot(string vref, int i) => new(i, vref[0] == 'p', vref[0] == 'p' ? null : "ref");

        public void Execute(IReadOnlyList<Op> ops, IReadOnlyList<string> args, string? result)
        {
            string? last = null;
            foreach (var op in ops)
            {
                switch (op)
                {
                    case Send send:
                        {
                            var to = Resolve(send.To, args, result, last) ?? "o+0";
                            var slots = send.Args.Select(x => Resolve(x, args, result, last)).OfType<string>().ToList();
                            if (to[0] == 'o' && to[1] == '+' && Kind(to) == "e") Set(to, "E");
                            foreach (var s in slots) if (s[0] == 'o' && s[1] == '+' && Kind(s) == "e") Set(s, "E");
                            var methargs = Methargs(send.Body, slots.Count, i => slots[i][0] == 'p');
                            string? res = null;
                            if (send.Result)
                            {
                                res = Next('p', "p+");
                                Set(res, "I");
                            }
                            _s.Send(to, new VCapData(methargs, [.. slots]), res);
                            if (res is not null)
                            {
                                _s.Subscribe(res);
                                last = res;
                            }
                            break;
                        }
                    case Resolve resolve:
                        {
                            if (Resolve(resolve.Which, args, result, last) is not { } vpid || Kind(vpid) is not ['D', ..]) break;
                            var data = resolve.Data.Select(x => Resolve(x, args, result, last)).OfType<string>().Where(x => x != vpid).ToList();
                            var resolutions = new List<VatResolution>();
                            switch (resolve.How)
                            {
                                case How.ToObject:
                                    var obj = data.FirstOrDefault(x => x[0] == 'o') ?? "o+0";
                                    resolutions.Add(new VatResolution(vpid, false, VCapData.Of(SmallCaps.Encode(Slot(obj, 0)), obj)));
                                    break;
                                case How.Nested:
                                    var inner = Next('p', "p+");
                                    resolutions.Add(new VatResolution(vpid, false,
                                        VCapData.Of(SmallCaps.Encode(new Dictionary<string, object?> { ["inner"] = Slot(inner, 0) }), inner)));
                                    resolutions.Add(new VatResolution(inner, false,
                                        new VCapData(SmallCaps.Encode(data.Select((x, i) => (object?)Slot(x, i)).ToList()), [.. data])));
                                    break;
                                default:
                                    var body = SmallCaps.Encode(data.Select((x, i) => (object?)Slot(x, i)).ToList());
                                    resolutions.Add(new VatResolution(vpid, resolve.How == How.Reject, new VCapData(body, [.. data])));
                                    break;
                            }
                            foreach (var x in data) if (x[0] == 'o' && x[1] == '+' && Kind(x) == "e") Set(x, "E");
                            _s.Resolve(resolutions);
                            Delete(vpid);
                            break;
                        }
                    case Subscribe sub:
                        {
                            if (Resolve(sub.Which, args, result, last) is not { } vpid || vpid[0] != 'p') break;
                            _s.Subscribe(vpid);
                            if (Kind(vpid) is ['D', ..] k && !k.Contains('S')) Set(vpid, k + "S");
                            break;
                        }
                    case MarkDurable md:
                        {
                            if (Resolve(md.Which, args, result, last) is not { } vpid || Kind(vpid) is not ['D', ..] k) break;
                            _s.MarkPromiseDurable(vpid);
                            if (!k.Contains('U')) Set(vpid, k + "U");
                            break;
                        }
                    case DropImport drop:
                        {
                            var imports = All('O');
                            if (imports.Count == 0) break;
                            var vref = imports[drop.I % imports.Count];
                            _s.DropImports([vref]);
                            Set(vref, "o");
                            if (drop.Retire)
                            {
                                _s.RetireImports([vref]);
                                Delete(vref);
                            }
                            break;
                        }
                    case RetireImport ri:
                        {
                            var dropped = All('o');
                            if (dropped.Count == 0) break;
                            var vref = dropped[ri.I % dropped.Count];
                            _s.RetireImports([vref]);
                            Delete(vref);
                            break;
                        }
                    case AbandonExport ab:
                        {
                            var exports = Matching(k => k[0] is 'E' or 'e');
                            if (exports.Count == 0) break;
                            var vref = exports[ab.I % exports.Count];
                            _s.AbandonExports([vref]);
                            Delete(vref);
                            break;
                        }
                    case RetireExport re:
                        {
                            var dropped = All('e');
                            if (dropped.Count == 0) break;
                            var vref = dropped[re.I % dropped.Count];
                            _s.RetireExports([vref]);
                            Delete(vref);
                            break;
                        }
                    case Admin admin:
                        {
                            if (Resolve(admin.To, args, result, last) is not { } to) break;
                            var slots = admin.Call is AdminCall.CreateVat or AdminCall.Upgrade or AdminCall.UpgradeBroken
                                ? admin.Params.Select(x => Resolve(x, args, result, last)).OfType<string>().ToList()
                                : [];
                            foreach (var x in slots) if (x[0] == 'o' && x[1] == '+' && Kind(x) == "e") Set(x, "E");
                            if (to[0] == 'o' && to[1] == '+' && Kind(to) == "e") Set(to, "E");
                            var parameters = new Dictionary<string, object?> { ["refs"] = slots.Select((x, i) => (object?)Slot(x, i)).ToList() };
                            var methargs = admin.Call switch
                            {
                                AdminCall.CreateVat => SmallCaps.Methargs("createVat", "scripted",
                                    new Dictionary<string, object?> { ["vatParameters"] = parameters, ["enablePipelining"] = admin.Pipelining }),
                                AdminCall.Upgrade or AdminCall.UpgradeBroken => SmallCaps.Methargs("upgrade", admin.Call == AdminCall.Upgrade ? "scripted-v2" : "scripted-broken",
                                    new Dictionary<string, object?> { ["vatParameters"] = parameters, ["upgradeMessage"] = "upgraded by a vat" }),
                                AdminCall.Terminate => SmallCaps.Methargs("terminateWithFailure", "terminated by a vat"),
                                _ => SmallCaps.Methargs("done"),
                            };
                            var res = Next('p', "p+");
                            Set(res, "I");
                            if (admin.Call == AdminCall.CreateVat) _s.VatstoreSet("admin." + res, "1");
                            _s.Send(to, new VCapData(methargs, [.. slots]), res);
                            _s.Subscribe(res);
                            last = res;
                            break;
                        }
                    case Store st:
                        _s.VatstoreSet("k" + st.Key.ToString(CultureInfo.InvariantCulture), _s.VatstoreGet("n.p") ?? "0");
                        break;
                    case Fail { Kind: FailKind.Throw }:
                        throw new InvalidOperationException("the program throws");
                    case Fail { Kind: FailKind.Illegal }:
                        if (Matching(k => k[0] == 'I').FirstOrDefault() is { } other) _s.Resolve(other, false, VCapData.Of(SmallCaps.Encode("mine")));
                        else _s.Send("o-999", VCapData.Of(SmallCaps.Methargs("nobody")));
                        return;
                    case Fail f:
                        _s.Exit(f.Kind == FailKind.ExitFailure, VCapData.Of(SmallCaps.Encode("bye")));
                        return;
                }
            }
        }
    }
}
