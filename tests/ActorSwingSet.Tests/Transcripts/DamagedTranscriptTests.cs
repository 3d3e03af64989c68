using ActorSwingSet.Kernel;
using ActorSwingSet.Persistence;
using ActorSwingSet.Schema;
using Xunit;

namespace ActorSwingSet.Tests.Transcripts;

/// <summary>
/// A stored transcript that cannot be read is damaged storage, the kernel's fault and not the vat's: the kernel
/// panics, naming the vat and the entry, and the vat is not terminated (which would delete its state for good).
/// </summary>
public sealed class DamagedTranscriptTests
{
    /// <summary>A committed store whose reads give back one entry damaged.</summary>
    private sealed class DamagedStore(MemoryTranscriptStore inner) : ITranscriptStore
    {
        public (string VatId, long Position, string Text)? Damage { get; set; }

        public IReadOnlyList<TranscriptItem> ReadSpan(string vatId, long incarnation) =>
            [.. inner.ReadSpan(vatId, incarnation).Select(i => Damage is { } d && d.VatId == i.VatId && d.Position == i.Position ? i with { Item = d.Text } : i)];

        public long EndPosition(string vatId) => inner.EndPosition(vatId);
        public void Append(IReadOnlyList<TranscriptItem> items) => inner.Append(items);
        public void DeleteVat(string vatId) => inner.DeleteVat(vatId);
    }

    [Fact]
    public async Task A_damaged_transcript_entry_panics_the_kernel_and_does_not_terminate_the_vat()
    {
        var config = new KernelConfig
        {
            Bundles = new VatBundleRegistry().RegisterVat<MemoryCounterVat>("memory"),
            Vats = [new("a", "memory"), new("b", "memory")],
            ReapInterval = 0,
        };
        var committed = new MemoryTranscriptStore();
        var store = new DamagedStore(committed);
        var k = new KernelCore(new InProcessVatPort(config.Bundles, store, maxVatsOnline: 1), new KernelOptions(config.Bundles, 0));
        k.Initialize(SwingSetKernels.WithSystemVats(config).StaticVats());
        await k.RunAsync();
        foreach (var vat in new[] { "a", "b" })                      // the second evicts a's worker
        {
            var kp = k.QueueToVatRoot(vat, HostValues.Methargs("bump"));
            await k.RunAsync();
            Assert.Equal(1L, k.GetPromise(kp).Resolution);
            k.ReleasePromise(kp);
        }
        var (writes, transcript) = await k.TakeBlockDeltaAsync();
        committed.ApplyBlock(1, transcript, TranscriptStores.DeletedVats(writes));
        var before = await k.DumpAsync();
        var a = k.GetVatInfo("a").VatId;
        store.Damage = (a, 1, "{\"d\":[\"message\"");
        k.QueueToVatRoot("a", HostValues.Methargs("bump"));
        var panic = await Assert.ThrowsAsync<KernelPanicException>(() => k.RunAsync());
        Assert.Contains($"{a}: the transcript of {a} cannot be read: a transcript entry cannot be read", panic.Message);
        Assert.Equal(panic.Message, k.PanicReason);
        Assert.Throws<KernelPanicException>(() => k.GetVatInfo("a"));    // a panicked kernel answers nothing more
        // nothing of the panicked crank was committed: the stored state is the clean one before it, vat a alive
        var report = KernelAudit.Run(before);
        Assert.True(report.IsClean, report.ToString());
        Assert.DoesNotContain($"vat.terminationReason.{a}", before.Keys);
    }
}
