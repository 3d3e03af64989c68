using ActorSwingSet.Tests.Support;
using ActorSwingSet.Vats;
using Xunit;

namespace ActorSwingSet.Tests.Transcripts;

/// <summary>
/// What a vat stores, its transcript must give back exactly at replay. Text that is not well-formed UTF-16 (a lone
/// surrogate) cannot be written as JSON or UTF-8, so it would read back as another text: the vatstore refuses it.
/// </summary>
public sealed class TranscriptTextTests
{
    /// <summary>Stores its text, and answers whether the vatstore held exactly that text before.</summary>
    public sealed class StoringRawVat(string text) : IRawVat
    {
        public void Deliver(VatDelivery delivery, IVatSyscalls syscalls)
        {
            if (delivery is not MessageDelivery { Result: { } result }) return;
            var before = syscalls.VatstoreGet("text");
            syscalls.VatstoreSet("text", text);
            syscalls.Resolve(result, false, VCapData.Of(SmallCaps.Encode(before is null ? "nothing" : before == text ? "the same" : "another text")));
        }
    }

    private static KernelConfig Config() => new()
    {
        Bundles = new VatBundleRegistry().Register("lone", () => new StoringRawVat("x\uD800y"))
            .Register("pair", () => new StoringRawVat("x\uD83D\uDE00y")).RegisterVat<MemoryCounterVat>("memory"),
        Vats = [new("storing", "lone"), new("emoji", "pair"), new("other", "memory")],
        ReapInterval = 0,
    };

    [Fact]
    public async Task A_surrogate_pair_in_a_vatstore_value_reads_back_the_same_after_a_replay()
    {
        var k = new StoredKernel(Config(), maxVatsOnline: 1);
        await k.Core.RunAsync();
        Assert.Equal("nothing", await k.CallAsync("emoji", "put"));
        Assert.Equal("the same", await k.CallAsync("emoji", "put"));
        await k.RestartAsync();
        Assert.Equal("the same", await k.CallAsync("emoji", "put"));   // replays the delivery that read it
        Assert.Equal(1L, await k.CallAsync("other", "bump"));
        Assert.Equal("the same", await k.CallAsync("emoji", "put"));   // and again after an eviction
        await Probe.AssertAuditClean(k.Core);
    }

    [Fact]
    public async Task A_vatstore_value_with_a_lone_surrogate_is_an_illegal_syscall_when_made_not_a_divergence_at_a_later_replay()
    {
        var k = new StoredKernel(Config(), maxVatsOnline: 1);
        await k.Core.RunAsync();
        var kp = k.Core.QueueToVatRoot("storing", HostValues.Methargs("put"));
        await k.Core.RunAsync();
        Assert.Equal(PromiseState.Rejected, k.Core.GetPromise(kp).State);
        var info = k.Core.GetVatInfo("storing");
        Assert.False(info.Alive);
        var stored = System.Text.Json.JsonDocument.Parse((await k.Core.DumpAsync())[$"vat.terminationReason.{info.VatId}"]).RootElement;
        var reason = Assert.IsType<PassableError>(HostValues.Decode(KCapData.Of(stored.GetProperty("info").GetString()!))).Message;
        Assert.Contains("vatstoreSet() value must be well-formed text: a lone surrogate at index 1", reason);
        Assert.Equal(1L, await k.CallAsync("other", "bump"));          // the kernel and the other vat run on
        await k.RestartAsync();
        Assert.Equal(2L, await k.CallAsync("other", "bump"));
        await Probe.AssertAuditClean(k.Core);
    }
}

/// <summary>
/// Resolves its result with capdata whose body escapes a lone surrogate (JSON that reads as no string), and if
/// that syscall throws, carries on with a good one: a vat may catch what a syscall throws.
/// </summary>
public sealed class LoneEscapeRawVat : IRawVat
{
    public void Deliver(VatDelivery delivery, IVatSyscalls syscalls)
    {
        if (delivery is not MessageDelivery { Result: { } result }) return;
        try
        {
            syscalls.Resolve(result, false, VCapData.Of("#\"x\\ud800y\""));
        }
        catch (InvalidOperationException)
        {
            syscalls.Resolve(result, false, VCapData.Of(SmallCaps.Encode("caught")));
        }
    }
}

/// <summary>
/// A syscall either passes (and is recorded) or is illegal (and the vat is terminated): one that threw something
/// the vat could catch and run on would be missing from the transcript, and the replay of that delivery would diverge.
/// </summary>
public sealed class MessageTextTests
{
    [Fact]
    public async Task Capdata_escaping_a_lone_surrogate_is_an_illegal_syscall_not_an_exception_the_vat_may_catch_and_replay_diverge_on()
    {
        var k = new StoredKernel(new KernelConfig
        {
            Bundles = new VatBundleRegistry().Register("escape", () => new LoneEscapeRawVat()).RegisterVat<MemoryCounterVat>("memory"),
            Vats = [new("escape", "escape"), new("other", "memory")],
            ReapInterval = 0,
        }, maxVatsOnline: 1);
        await k.Core.RunAsync();
        var kp = k.Core.QueueToVatRoot("escape", HostValues.Methargs("try"));
        await k.Core.RunAsync();
        Assert.Equal(PromiseState.Rejected, k.Core.GetPromise(kp).State);
        var info = k.Core.GetVatInfo("escape");
        Assert.False(info.Alive);
        var stored = System.Text.Json.JsonDocument.Parse((await k.Core.DumpAsync())[$"vat.terminationReason.{info.VatId}"]).RootElement;
        var reason = Assert.IsType<PassableError>(HostValues.Decode(KCapData.Of(stored.GetProperty("info").GetString()!))).Message;
        Assert.Contains("illegal syscall", reason);
        Assert.Contains("capdata body is not well-formed text", reason);
        // from the host, the same bodies are bad input: refused, nothing queued
        var other = k.Core.GetVatInfo("other").Root;
        foreach (var body in new[] { "#[\"bump\",[\"x\\ud800y\"]]", "#[\"bump\",[\"x\ud800y\"]]" })
            Assert.StartsWith("methargs: malformed capdata: capdata body is not well-formed text",
                Assert.Throws<ArgumentException>(() => k.Core.QueueToKref(other, new KCapData(body, []))).Message);
        Assert.Equal(1L, await k.CallAsync("other", "bump"));
        await Probe.AssertAuditClean(k.Core);
    }
}
