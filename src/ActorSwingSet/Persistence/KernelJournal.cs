using Akka.Actor;
using Akka.Persistence;
using ActorSwingSet.Schema;

namespace ActorSwingSet.Persistence;

/// <summary>
/// The kernel's journal: one persistent actor whose events are committed blocks. It keeps the committed state in
/// kvStore form, snapshots it as its <see cref="SnapshotPolicy"/> says (every <c>snapshot-every-blocks</c> blocks,
/// and whenever the blocks since the last snapshot have written as much as the state holds), and on start recovers it
/// (snapshot plus the blocks after it) for the kernel. A block is one journal write, however many cranks it holds.
/// The journal event is also the write-ahead log of the committed transcripts: once a block is persisted, its transcript
/// items (and the deletion of the transcripts of the vats it terminates) are applied to <see cref="ICommittedTranscripts"/>
/// in one transaction that records the block's number, before the kernel hears the block is stored and before any
/// snapshot of it; recovery applies again every replayed block above the recorded number before it hands the kernel
/// the state, so a crash between the two writes loses nothing.
/// </summary>
internal sealed class KernelJournal : ReceivePersistentActor
{
    private readonly KvState _state = new();
    private readonly SnapshotPolicy _snapshots;
    private readonly ICommittedTranscripts _transcripts;
    // the volume of the blocks since the last snapshot (recovered too: it depends only on the stored blocks)
    private long _writtenSinceSnapshot;
    private long _block;
    private long _crank;
    private IActorRef? _waiting;

    /// <summary>
    /// A journal under <paramref name="persistenceId"/> that snapshots as <paramref name="snapshots"/> says; null or
    /// empty plugin IDs mean Akka's default journal and snapshot store. Each block's transcript items go to
    /// <paramref name="transcripts"/>.
    /// </summary>
    public KernelJournal(string persistenceId, SnapshotPolicy snapshots, string? journalPluginId, string? snapshotPluginId, ICommittedTranscripts transcripts)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        ArgumentNullException.ThrowIfNull(transcripts);
        PersistenceId = persistenceId;
        _snapshots = snapshots;
        _transcripts = transcripts;
        if (!string.IsNullOrEmpty(journalPluginId)) JournalPluginId = journalPluginId;
        if (!string.IsNullOrEmpty(snapshotPluginId)) SnapshotPluginId = snapshotPluginId;

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is DamagedPayload d) FailRecovery($"the snapshot at block {offer.Metadata.SequenceNr} cannot be recovered: {d.Problem}");
            var s = (StateSnapshot)offer.Snapshot;
            if (s.Block != offer.Metadata.SequenceNr) FailRecovery($"the snapshot at block {offer.Metadata.SequenceNr} cannot be recovered: it says it is of block {s.Block}");
            _state.Apply(s.State.Select(e => KvWrite.Set(e.Key, e.Value)));
            _block = s.Block;
            _writtenSinceSnapshot = 0;
        });
        Recover<BlockCommitted>(b =>
        {
            if (LastSequenceNr != _block + 1) FailRecovery($"block {_block + 1} cannot be recovered: the journal has block {LastSequenceNr} after block {_block}");
            if (b.Block != LastSequenceNr) FailRecovery($"block {LastSequenceNr} cannot be recovered: it says it is block {b.Block}");
            Apply(b);
            if (b.Block > _transcripts.AppliedBlock && ApplyTranscript(b) is { } problem) FailRecovery($"block {b.Block} cannot be recovered: {problem}");
        });
        Recover<DamagedPayload>(d => FailRecovery($"block {LastSequenceNr} cannot be recovered: {d.Problem}"));
        Recover<RecoveryCompleted>(_ =>
        {
            // the transcript tables are only ever applied after their block is in the journal: tables ahead of it
            // belong to blocks this journal does not have (another kernel's, or blocks deleted since)
            if (_transcripts.AppliedBlock <= _block) return;
            Context.Parent.Tell(new JournalRecoveryFailed($"the transcripts are applied up to block {_transcripts.AppliedBlock}, but the journal ends at block {_block}"));
            Context.Stop(Self);
        });

        // a copy: the kernel reads rows from it as it needs them, while this actor goes on applying blocks
        Command<GetCommittedState>(_ => Sender.Tell(new CommittedState(_block, _state.Clone())));
        Command<CommitBlock>(c =>
        {
            _waiting = Sender;
            Persist(new BlockCommitted(_block + 1, c.CrankNumber, c.Writes, c.Transcript), b =>
            {
                Apply(b);
                // before the kernel hears of the block and before its snapshot: a snapshot never runs ahead of the tables
                if (ApplyTranscript(b) is { } problem)
                {
                    _waiting?.Tell(new Status.Failure(new JournalWriteFailedException(
                        $"block {b.Block} (after crank {b.CrankNumber}) is written, but its transcript items could not be applied: {problem}", null)));
                    _waiting = null;
                    Context.Stop(Self);
                    return;
                }
                _waiting = null;
                Sender.Tell(new BlockStored(b.Block));
                if (_snapshots.IsDue(b.Block, _writtenSinceSnapshot, _state.Volume))
                {
                    SaveSnapshot(new StateSnapshot(b.Block, _state.ToDictionary()));
                    _writtenSinceSnapshot = 0;
                }
            });
        });
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(_ => { });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    /// <summary>The journal's persistence ID; one kernel per ID.</summary>
    public override string PersistenceId { get; }

    private void Apply(BlockCommitted b)
    {
        _state.Apply(b.Writes);
        _writtenSinceSnapshot += KvState.VolumeOf(b.Writes);
        _block = b.Block;
        _crank = b.CrankNumber;
    }

    /// <summary>
    /// Applies <paramref name="b"/>'s transcript items and the deletion of the vats it terminates to the transcript
    /// store, all or nothing. Returns null, or what went wrong (one line): a kernel bug (an item that does not follow on)
    /// or the database.
    /// </summary>
    private string? ApplyTranscript(BlockCommitted b)
    {
        try
        {
            _transcripts.ApplyBlock(b.Block, b.Transcript, TranscriptStores.DeletedVats(b.Writes));
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or Microsoft.Data.Sqlite.SqliteException)
        {
            return KernelDatabase.OneLine(e);
        }
    }

    /// <summary>
    /// Recovery failed (a block or the snapshot cannot be read or applied, or the database cannot be read): the
    /// kernel, this actor's parent, is told which block and what is wrong before this actor stops (Akka's rule), so
    /// it panics at once instead of waiting for a state that never comes.
    /// </summary>
    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        Context.Parent.Tell(new JournalRecoveryFailed(reason is RecoveryProblem
            ? reason.Message
            : $"the journal cannot be read after block {_block}: {Innermost(reason).Message.Split('\n')[0].Trim().TrimEnd('.')}"));
        base.OnRecoveryFailure(reason, message);
    }

    private static Exception Innermost(Exception e)
    {
        while (e is AggregateException { InnerException: { } inner }) e = inner;
        return e;
    }

    /// <summary>Ends recovery with <paramref name="problem"/>, a line naming the block and what is wrong.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void FailRecovery(string problem) => throw new RecoveryProblem(problem);

    /// <summary>What this journal found wrong in what it recovered (the message is the whole line).</summary>
    private sealed class RecoveryProblem(string message) : FormatException(message);

    /// <summary>The write failed: tell the kernel, which stops running; this actor stops too (Akka's rule).</summary>
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        var why = Taken(cause)
            ? "another process wrote a block under that number since this kernel recovered (two kernels on one database)"
            : cause.Message;
        _waiting?.Tell(new Status.Failure(new JournalWriteFailedException($"block {_block + 1} (after crank {_crank}) could not be written: {why}", cause)));
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    /// <summary>Whether the write failed on the journal's unique (persistence id, block number): the number was taken meanwhile.</summary>
    private static bool Taken(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 19 } s && s.Message.Contains("journal.sequence_number", StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>The journal refused the block: tell the kernel, which stops running.</summary>
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _waiting?.Tell(new Status.Failure(new JournalWriteFailedException($"block {_block + 1} was rejected by the journal: {cause.Message}", cause)));
        base.OnPersistRejected(cause, @event, sequenceNr);
    }

    /// <summary>
    /// Props for a <see cref="KernelJournal"/>; the parameters are those of its constructor, and no
    /// <paramref name="transcripts"/> means a <see cref="MemoryTranscriptStore"/> of its own.
    /// </summary>
    public static Props Props(string persistenceId, SnapshotPolicy snapshots, string? journalPluginId = null, string? snapshotPluginId = null,
        ICommittedTranscripts? transcripts = null)
    {
        var store = transcripts ?? new MemoryTranscriptStore();
        return Akka.Actor.Props.Create(() => new KernelJournal(persistenceId, snapshots, journalPluginId, snapshotPluginId, store));
    }

    /// <summary>
    /// Props for a <see cref="KernelJournal"/> that snapshots every <paramref name="snapshotEvery"/> blocks (0: not by
    /// count) and by volume with the default <see cref="SnapshotPolicy.MinVolume"/>.
    /// </summary>
    public static Props Props(string persistenceId, long snapshotEvery, string? journalPluginId = null, string? snapshotPluginId = null,
        ICommittedTranscripts? transcripts = null) =>
        Props(persistenceId, new SnapshotPolicy(snapshotEvery), journalPluginId, snapshotPluginId, transcripts);
}

/// <summary>
/// What a <see cref="KernelJournal"/> tells its parent when it cannot recover the committed state, just before it
/// stops: <see cref="Problem"/> names the first block not recovered (a block's sequence number is its number) and what is wrong, on one line.
/// </summary>
internal sealed record JournalRecoveryFailed(string Problem);

/// <summary>Ask for the committed state. Reply: <see cref="CommittedState"/>.</summary>
internal sealed record GetCommittedState
{
    /// <summary>The one instance.</summary>
    public static readonly GetCommittedState Instance = new();
}

/// <summary>Reply to <see cref="GetCommittedState"/>: the last committed block (0 for none) and the state after it, in kvStore form, to read as needed.</summary>
internal sealed record CommittedState(long Block, ICommittedKv State);

/// <summary>Store one block. Reply: <see cref="BlockStored"/>, or a failure with <see cref="JournalWriteFailedException"/>.</summary>
internal sealed record CommitBlock(long CrankNumber, IReadOnlyList<KvWrite> Writes, IReadOnlyList<TranscriptItem> Transcript);

/// <summary>Reply to <see cref="CommitBlock"/>: the block is written; its number.</summary>
internal sealed record BlockStored(long Block);

/// <summary>The journal could not store a block; the kernel stops rather than run on state it could not persist.</summary>
internal sealed class JournalWriteFailedException(string message, Exception? inner) : Exception(message, inner);
