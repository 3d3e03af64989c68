using System.Globalization;
using ActorSwingSet.References;

namespace ActorSwingSet.Schema;

// The kvStore schema: every key of the stored state (the journal's blocks and snapshots) and of the dump, which
// are the same thing. Keys are SwingSet's where SwingSet has the key, so a dump compares with a swing-store's
// kvStore table; "(ours)" marks what SwingSet does not have. docs/SCHEMA.md introduces this catalogue and
// docs/KERNEL-SEMANTICS.md the behaviour behind the values. N is a decimal number, KREF a kernel reference (koN,
// kpN), VREF a vat reference (o+N, o-N, p+N, p-N, ...), vN a vat ID. Absent means "none".
//
// Who writes (each key has one writer; the journal in Persistence/ stores the writes it is handed and never
// composes a key):
//   Kernel  the kernel keeper (KernelKeeper.TakeBlockDelta, each part rendered by KernelStateRenderer; the full
//           dump renders the same parts). That includes what the host asks for: kernel.hostRefs and
//           kernel.durableHolds record the host's holds, and upgradeEvents the notifies a schema upgrade or a
//           repair (`swingset upgrade-state`, `swingset repair`) holds until the host injects them. The host
//           itself writes no key.
//   Vat     that vat's own keeper (VatKeeper.TakeBlockDelta, in the vat's actor); the kernel keeper only deletes
//           them all at once, with the vat's entity vN, when the vat terminates.
//   SwingSet only   keys we never write and only read in a real swing-store (the scanner and the swing-store audit).
// Event and message JSON (queue entries, kpN.queue.N, upgradeEvents) is SwingSet's run-queue shape, e.g.
// {"type":"send","target":KREF,"msg":{"methargs":CAPDATA,"result":KREF}} or {"type":"notify","vatID":vN,"kpid":KREF},
// written and read by Dump/EventJson.cs; capdata JSON is {"body":"#...","slots":[KREF...]}.
//
// Kernel, scalars:
//   version                      schema version, "3" (see the history below)
//   crankNumber                  N, cranks run so far
//   kernelStats                  JSON {stat: N} in stat-name order (ours; SwingSet keeps its stats elsewhere)
//   vat.nextID, ko.nextID, kp.nextID   N, the next ID to allocate
// Kernel, lists:
//   vat.names                    JSON [name...], the static vats in creation order
//   vat.name.NAME                vN, one per live static vat
//   vat.dynamicIDs               JSON [vN...], the live dynamic vats
//   vats.terminated              JSON [vN...], terminated vats; permanent tombstones here (SwingSet: awaiting deletion)
//   vat.terminationReason.vN     JSON {isFailure, info} (ours), for a terminated vat
//   gcActions                    JSON ["vN KIND koN", ...], KIND dropExport | retireExport | retireImport, sorted
//                                as text (GcAction reads and writes each entry)
//   reapQueue                    JSON [vN...]
//   pinnedObjects                "koN,koM,..." (may be empty)
//   upgradeEvents                JSON [event...], notifies held for injection after a schema upgrade; absent when none
//   kernel.hostRefs              JSON {"SESSION": {KREF: N}} (ours), host sessions' references; absent when none
//   kernel.durableHolds          JSON {name: KREF} (ours), the host's durable holds; absent when none
// Kernel, per vat (live vats only):
//   vN.source                    JSON {bundleName}
//   vN.options                   JSON {enablePipelining, name, root} (ours: SwingSet keeps other options here)
//   vN.vatParameters             capdata JSON
//   vN.reapDirt                  JSON {deliveries}
// Kernel, per object and promise (the entity koN / kpN, deleted as a whole):
//   koN.owner                    vN, absent once the owner is gone
//   koN.refCount                 "reachable,recognizable"
//   kpN.state                    unresolved | fulfilled | rejected
//   kpN.refCount                 N
//   kpN.decider                  vN or "" (unresolved only)
//   kpN.durable                  "1" when its decider marked it durable (unresolved only; ours)
//   kpN.subscribers              "vN,vM,..." (unresolved only)
//   kpN.queue.N, kpN.queue.nextID   message JSON queued on the promise, and the next position (unresolved only)
//   kpN.data.body, kpN.data.slots   the resolution: capdata body and "KREF,KREF,..." (settled only)
// Kernel, queues:
//   runQueue, acceptanceQueue    JSON [head, tail]; runQueue.N / acceptanceQueue.N = event JSON for head <= N < tail
// Vat (each vat's own keeper):
//   vN.c.KREF                    "R VREF" or "_ VREF" (reachable or only recognizable by the vat)
//   vN.c.VREF                    KREF (the c-list is a two-way map)
//   vN.vs.KEY                    the vat's vatstore; what KEY means is the vat's (liveslots') own schema, not this one
//   vN.o.nextID, vN.p.nextID     N, the vat's next import IDs
//   vN.incarnationNumber         N (ours: SwingSet keeps it in the transcript store)
// SwingSet only (read by the swing-store scanner's version checks, never written):
//   initialized, kernel.defaultReapInterval, kernel.defaultReapDirtThreshold, vN.reapInterval, vN.reapCountdown
// SwingSet only (read by the swing-store audit, never written):
//   kpN.policy                   a promise's pipelining policy; dN.c.KREF / dN.c.VREF, a device's c-list
//
// Version history (SwingSet's numbers, which we follow):
//   0 (no version key)  SwingSet's original: per-vat reapInterval/reapCountdown; the scanner only reads it.
//   1                   SwingSet: reapDirt and kernel.defaultReapDirtThreshold replace the reap countdowns.
//   2                   SwingSet: vats.terminated appears. Ours: state written by a kernel with the #9039 upgrade
//                       leak (ReproduceUpgradeLeakBug9039); a kernel refuses it until `swingset upgrade-state`.
//   3                   after the #9039 remediation: settled promises left in c-lists get their notifies queued in
//                       upgradeEvents. What this kernel reads and writes.
//   Added since without a version change (each optional, and ignored by a reader that does not know it):
//   kpN.durable; kernel.hostRefs keyed by session (the older flat {KREF: N} loads as session 0's, and is
//   released); kernel.durableHolds. The demo's keys live in its vats' vatstores (vN.vs.*), so not here.

/// <summary>The kvStore key catalogue: the one place the schema's keys are spelled (the comment above lists them).</summary>
internal static class KvKeys
{
    private static string N(long n) => n.ToString(CultureInfo.InvariantCulture);

    public const string Version = "version";
    /// <summary>The <see cref="Version"/> this kernel reads and writes (after the #9039 remediation).</summary>
    public const string CurrentVersion = "3";
    /// <summary>The <see cref="Version"/> of state written with the #9039 upgrade leak, refused until upgraded.</summary>
    public const string LeakyVersion = "2";
    public const string CrankNumber = "crankNumber";
    public const string KernelStats = "kernelStats";
    public const string NextVatId = "vat.nextID";
    public const string NextObjectId = "ko.nextID";
    public const string NextPromiseId = "kp.nextID";

    public const string VatNames = "vat.names";
    public const string VatNamePrefix = "vat.name.";
    public const string DynamicVatIds = "vat.dynamicIDs";
    public const string TerminatedVats = "vats.terminated";
    public const string TerminationReasonPrefix = "vat.terminationReason.";
    public const string GcActions = "gcActions";
    public const string ReapQueue = "reapQueue";
    public const string PinnedObjects = "pinnedObjects";
    public const string UpgradeEvents = "upgradeEvents";
    public const string HostRefs = "kernel.hostRefs";
    public const string DurableHolds = "kernel.durableHolds";

    public static string VatName(string name) => VatNamePrefix + name;
    public static string TerminationReason(string vatId) => TerminationReasonPrefix + vatId;

    /// <summary>The field parts of the keys under one entity (a vat, an object or a promise), after "ENTITY.".</summary>
    public static class Field
    {
        public const string Source = "source";
        public const string Options = "options";
        public const string VatParameters = "vatParameters";
        public const string ReapDirt = "reapDirt";

        public const string Owner = "owner";
        public const string RefCount = "refCount";

        public const string State = "state";
        public const string Decider = "decider";
        public const string Durable = "durable";
        public const string Subscribers = "subscribers";
        public const string QueuePrefix = "queue.";
        public const string QueueNextId = "queue.nextID";
        public const string DataBody = "data.body";
        public const string DataSlots = "data.slots";

        public const string CListPrefix = "c.";
        /// <summary>The field prefix of the c-list keys whose slot is an object kref.</summary>
        public const string CListObjectPrefix = "c.ko";
        public const string VatstorePrefix = "vs.";
        public const string NextImportObjectId = "o.nextID";
        public const string NextImportPromiseId = "p.nextID";
        public const string IncarnationNumber = "incarnationNumber";

        // SwingSet only
        public const string Policy = "policy";
        public const string ReapInterval = "reapInterval";
        public const string ReapCountdown = "reapCountdown";
    }

    /// <summary>The values of <c>kpN.state</c>.</summary>
    public static class PromiseStateValue
    {
        public const string Unresolved = "unresolved";
        public const string Fulfilled = "fulfilled";
        public const string Rejected = "rejected";
    }

    /// <summary>The value SwingSet stores for a reap interval or countdown that never fires.</summary>
    public const string Never = "never";

    /// <summary>The entity an object's keys belong to ("koN"), and what a block deletes as a whole.</summary>
    public static string ObjectEntity(long id) => "ko" + N(id);
    /// <summary>The entity a promise's keys belong to ("kpN").</summary>
    public static string PromiseEntity(long id) => "kp" + N(id);
    /// <summary>"ENTITY.FIELD".</summary>
    public static string Of(string entity, string field) => entity + "." + field;

    public static string ObjectOwner(long id) => Of(ObjectEntity(id), Field.Owner);
    public static string ObjectRefCount(long id) => Of(ObjectEntity(id), Field.RefCount);
    public static string PromiseState(long id) => Of(PromiseEntity(id), Field.State);
    public static string PromiseQueue(long id, long position) => Of(PromiseEntity(id), Field.QueuePrefix + N(position));

    public static string VatSource(string vatId) => Of(vatId, Field.Source);
    public static string VatOptions(string vatId) => Of(vatId, Field.Options);
    public static string VatParameters(string vatId) => Of(vatId, Field.VatParameters);
    public static string VatReapDirt(string vatId) => Of(vatId, Field.ReapDirt);

    public const string RunQueue = "runQueue";
    public const string AcceptanceQueue = "acceptanceQueue";
    /// <summary>The kernel's two event queues, in the order they are rendered.</summary>
    public static readonly string[] Queues = [RunQueue, AcceptanceQueue];

    // Key ranges, for reading a committed store by range (ICommittedKv.ReadRange): [From, To) in ordinal order.
    /// <summary>The keys of every object entity koN (a digit follows "ko", so <see cref="NextObjectId"/> sorts below them).</summary>
    public const string ObjectKeysFrom = "ko0", ObjectKeysTo = "ko:";
    /// <summary>The keys of every promise entity kpN (a digit follows "kp", so <see cref="NextPromiseId"/> sorts below them).</summary>
    public const string PromiseKeysFrom = "kp0", PromiseKeysTo = "kp:";
    /// <summary>The keys of every vat entity vN (a digit follows "v"; the "vat." and "vats." keys sort above them).</summary>
    public const string VatKeysFrom = "v0", VatKeysTo = "v:";
    /// <summary>A glob for the promises' state keys, one per promise (no other key of kpN ends in ".state", so its matches count the promises).</summary>
    public const string PromiseStateGlob = "kp*." + Field.State;
    /// <summary>A glob for the vats' c-list keys for objects (the caller checks each with <see cref="TryParseCListObjectKey"/>).</summary>
    public const string CListObjectGlob = "v*.c.ko*";
    /// <summary>A glob for one field of every vat (the caller checks the match is exactly vN.FIELD).</summary>
    public static string VatFieldGlob(string field) => "v*." + field;

    /// <summary>The least key above every key that starts with <paramref name="prefix"/> (which ends in a dot): a range's end.</summary>
    public static string Above(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);
    public static string QueueEntry(string queue, long position) => QueueEntry(queue, N(position));
    /// <summary>A queue entry's key; an empty <paramref name="position"/> gives the prefix of them all.</summary>
    public static string QueueEntry(string queue, string position) => queue + "." + position;

    /// <summary>The prefix of every key of one vat ("vN.").</summary>
    public static string VatPrefix(string vatId) => vatId + ".";
    /// <summary>A c-list key: <paramref name="slot"/> is a kref (value "R VREF") or a vref (value KREF).</summary>
    public static string CList(string vatId, string slot) => Of(vatId, Field.CListPrefix + slot);
    public static string CList(string vatId, Kref kref) => CList(vatId, kref.ToString());
    /// <summary>The prefix of a vat's c-list keys for promise krefs ("vN.c.kp").</summary>
    public static string CListPromisePrefix(string vatId) => CList(vatId, "kp");
    /// <summary>The slot (kref or vref) of one of a vat's c-list keys.</summary>
    public static string CListSlot(string vatId, string key) => key[CList(vatId, "").Length..];
    /// <summary>The c-list value for a kref key: reachability flag, a space, the vref.</summary>
    public static string CListKrefValue(bool reachable, string vref) => (reachable ? "R " : "_ ") + vref;
    public static string Vatstore(string vatId, string key) => Of(vatId, Field.VatstorePrefix + key);
    public static string NextImportObjectId(string vatId) => Of(vatId, Field.NextImportObjectId);
    public static string NextImportPromiseId(string vatId) => Of(vatId, Field.NextImportPromiseId);
    public static string IncarnationNumber(string vatId) => Of(vatId, Field.IncarnationNumber);

    // SwingSet only
    public const string Initialized = "initialized";
    public const string DefaultReapInterval = "kernel.defaultReapInterval";
    public const string DefaultReapDirtThreshold = "kernel.defaultReapDirtThreshold";

    /// <summary>The end (exclusive) of the range of keys that start with <paramref name="prefix"/>, for range reads.</summary>
    public static string PrefixEnd(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);

    /// <summary>Splits "ENTITY.FIELD" at its first dot; false for a key without one.</summary>
    public static bool TrySplit(string key, out string entity, out string field)
    {
        var dot = key.IndexOf('.');
        (entity, field) = dot < 0 ? ("", "") : (key[..dot], key[(dot + 1)..]);
        return dot >= 0;
    }

    /// <summary>
    /// Recognizes a c-list key whose slot is an object kref ("vN.c.koM") and returns its vat and object; false for
    /// any other key.
    /// </summary>
    public static bool TryParseCListObjectKey(string key, out string vatId, out Kref ko)
    {
        var c = key.IndexOf("." + Field.CListObjectPrefix, StringComparison.Ordinal);
        (vatId, ko) = ("", default);
        if (c < 0 || !VatId.IsValid(key[..c])) return false;
        vatId = key[..c];
        ko = Kref.Parse(key[(c + 1 + Field.CListPrefix.Length)..]);
        return true;
    }

    /// <summary>Reads the value of a kref c-list key, "R VREF" or "_ VREF"; false for any other shape.</summary>
    public static bool TryParseCListKrefValue(string value, out bool reachable, out string vref)
    {
        var ok = value.Length > 2 && value[1] == ' ' && value[0] is 'R' or '_';
        (reachable, vref) = ok ? (value[0] == 'R', value[2..]) : (false, "");
        return ok;
    }

    /// <summary>The one-line complaint about a kref c-list value of another shape.</summary>
    public static string NotACListKrefValue(string key, string value) => $"{key} = '{value}' is not 'R vref' or '_ vref'";

    /// <summary>Whether the value of a kref c-list key says the vat exports the object ("R o+N" or "_ o+N").</summary>
    public static bool IsExportValue(string value) => value.Length > 3 && value[2] == 'o' && value[3] == '+';
}
