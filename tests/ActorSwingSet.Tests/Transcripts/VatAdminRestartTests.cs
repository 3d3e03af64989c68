using ActorSwingSet.Tests.Liveslots;
using ActorSwingSet.Tests.Support;
using Xunit;

namespace ActorSwingSet.Tests.Transcripts;

/// <summary>
/// The vat-admin vat and a vat that uses it, restarted after every crank or kept to one worker online: what they
/// await in memory (a createVat's answer, a done promise, an upgrade's result) is rebuilt by replay, so each
/// await resumes once, and the run ends in the state of a run with no restart and every vat online.
/// </summary>
public sealed class VatAdminRestartTests
{
    private static KernelConfig Config() => new()
    {
        Bundles = new VatBundleRegistry().RegisterVat<ParentVat>("parent").RegisterVat<ExitingVat>("exiter")
            .RegisterVat<CounterVatCode>("counter").RegisterVat<BrokenStartVat>("broken"),
        Vats = [new("parent", "parent")],
        ReapInterval = 2,
        EnableVatAdmin = true,
    };

    private sealed class Run(int maxVatsOnline, bool restartEveryCrank)
    {
        public StoredKernel K { get; } = new(Config(), maxVatsOnline);
        private int _calls;

        /// <summary>Sends to the parent and runs to quiescence (restarting after each crank); the result is held durably.</summary>
        public async Task<PromiseStatus> Call(string method, params object?[] args)
        {
            var kp = K.Core.QueueToVatRoot("parent", HostValues.Methargs(method, args));
            var name = $"call{++_calls}";
            K.Core.HoldDurably(name, kp);
            K.Core.ReleasePromise(kp);
            await RunAsync();
            return K.Core.GetPromise(K.Core.GetDurableHolds()[name]);
        }

        public async Task RunAsync()
        {
            if (!restartEveryCrank) await K.Core.RunAsync();
            else
                while (await K.Core.StepAsync())
                    await K.RestartAsync();
        }
    }

    private static async Task<SortedDictionary<string, string>> Scenario(int maxVatsOnline, bool restartEveryCrank)
    {
        var r = new Run(maxVatsOnline, restartEveryCrank);
        await r.RunAsync();
        var admin = r.K.Core.GetVatInfo("vatAdmin").Root;
        Assert.IsType<Kref>((await r.Call("create", admin, "kid", "exiter", Passable.Record(("n", 7L)))).Resolution);
        Assert.IsType<Kref>((await r.Call("create", admin, "other", "counter", null)).Resolution);
        var done = await r.Call("done", "kid");
        Assert.Equal(PromiseState.Unresolved, done.State);
        var failed = await r.Call("upgrade", "other", "broken");
        Assert.Equal(PromiseState.Rejected, failed.State);
        Assert.Equal(PromiseState.Fulfilled, (await r.Call("upgrade", "other", "counter")).State);
        Assert.Equal(1L, (await r.Call("ask", "other", "increment", new object?[] { 1L })).Resolution);
        Assert.Equal(Passable.Record(("n", 7L)), (await r.Call("ask", "kid", "parameters", Array.Empty<object?>())).Resolution);
        await r.Call("ask", "kid", "quit", new object?[] { "bye" });
        Assert.Equal(new object?[] { "fulfilled", "bye" }, (IEnumerable<object?>)r.K.Core.GetPromise(r.K.Core.GetDurableHolds()["call3"]).Resolution!);
        await Probe.AssertAuditClean(r.K.Core);
        await r.K.CommitAsync();
        return await r.K.Core.DumpAsync();
    }

    [Fact]
    public async Task Vat_admin_awaits_resume_once_over_a_restart_after_every_crank_and_with_one_vat_online()
    {
        var plain = await Scenario(int.MaxValue, restartEveryCrank: false);
        var restarted = await Scenario(1, restartEveryCrank: true);
        var diff = KernelStateDump.Diff(plain, restarted);
        Assert.True(diff.Count == 0, string.Join("\n", diff.Take(20)));
    }
}
