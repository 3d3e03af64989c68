using ActorSwingSet.Tests.Support;
using ActorSwingSet.Vats;
using Xunit;

namespace ActorSwingSet.Tests.Transcripts;

/// <summary>
/// A vat that keeps the syscall object of one delivery and calls it in a later one: that call throws, changes
/// nothing and is recorded nowhere, when the delivery is made and when it is replayed, so the vat runs on after
/// its worker is rebuilt. (Before, it wrote the vatstore outside any delivery and into the finished delivery's
/// transcript entry, which its replay then missed.)
/// </summary>
public sealed class StaleSyscallTests
{
    /// <summary>"keep" keeps the delivery's syscalls; any other message writes the vatstore through the kept ones.</summary>
    public sealed class KeepingRawVat : IRawVat
    {
        private IVatSyscalls? _kept;

        public void Deliver(VatDelivery delivery, IVatSyscalls syscalls)
        {
            if (delivery is not MessageDelivery { Result: { } result } m) return;
            string answer;
            if (m.Methargs.Body.Contains("keep", StringComparison.Ordinal))
            {
                _kept = syscalls;
                answer = "kept";
            }
            else
            {
                try
                {
                    _kept!.VatstoreSet("late", "write");
                    answer = "written";
                }
                catch (InvalidOperationException e)
                {
                    answer = e.Message;
                }
            }
            syscalls.Resolve(result, false, VCapData.Of(SmallCaps.Encode(answer)));
        }
    }

    [Fact]
    public async Task A_syscall_through_an_earlier_deliverys_syscalls_throws_changes_nothing_and_replays_the_same()
    {
        var k = new StoredKernel(new KernelConfig
        {
            Bundles = new VatBundleRegistry().Register("keeping", () => new KeepingRawVat()).RegisterVat<MemoryCounterVat>("memory"),
            Vats = [new("keeping", "keeping"), new("other", "memory")],
            ReapInterval = 0,
        }, maxVatsOnline: 1);
        await k.Core.RunAsync();
        Assert.Equal("kept", await k.CallAsync("keeping", "keep"));
        const string Refused = "a syscall was made after its delivery ended: a vat must use the syscalls of the delivery it is in";
        Assert.Equal(Refused, await k.CallAsync("keeping", "write"));
        var id = k.Core.GetVatInfo("keeping").VatId;
        Assert.DoesNotContain($"{id}.vs.late", (await k.Core.DumpAsync()).Keys);
        Assert.Equal(1L, await k.CallAsync("other", "bump"));                  // evicts the keeping vat's worker
        Assert.Equal(Refused, await k.CallAsync("keeping", "write"));          // its replay did as the original did
        await k.RestartAsync();
        Assert.Equal(Refused, await k.CallAsync("keeping", "write"));
        Assert.True(k.Core.GetVatInfo("keeping").Alive);
        await Probe.AssertAuditClean(k.Core);
    }
}
