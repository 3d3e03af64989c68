namespace ActorSwingSet.Schema;

/// <summary>
/// One stored transcript entry: the <paramref name="Position"/>-th delivery a vat ever received (positions count
/// from 0 across all its incarnations), made to incarnation <paramref name="Incarnation"/>, with the syscalls it made
/// and their results and its outcome, as the JSON of <paramref name="Item"/> (docs/SCHEMA.md, "Transcripts").
/// </summary>
internal readonly record struct TranscriptItem(string VatId, long Incarnation, long Position, string Item);

/// <summary>
/// Committed transcripts, one span per incarnation of each vat (SwingSet's <c>transcriptSpans</c> and
/// <c>transcriptItems</c>). Reads may come from any thread; appends come from the one writer that commits blocks.
/// </summary>
internal interface ITranscriptStore
{
    /// <summary>The committed items of <paramref name="vatId"/>'s incarnation <paramref name="incarnation"/>, in position order.</summary>
    IReadOnlyList<TranscriptItem> ReadSpan(string vatId, long incarnation);

    /// <summary>The position <paramref name="vatId"/>'s next item takes: one past its last committed item, 0 for none.</summary>
    long EndPosition(string vatId);

    /// <summary>
    /// Adds committed items, in order; each vat's positions follow on from its <see cref="EndPosition"/>. An item of a
    /// new incarnation starts that incarnation's span.
    /// </summary>
    void Append(IReadOnlyList<TranscriptItem> items);

    /// <summary>Forgets every span of a terminated vat.</summary>
    void DeleteVat(string vatId);
}
