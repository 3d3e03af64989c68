using ActorSwingSet.Vats;

namespace ActorSwingSet.Vat.Transcript;

/// <summary>
/// Rebuilds a worker by replaying its incarnation's transcript: each recorded delivery is made again, each syscall
/// the code makes is compared with the recorded one (its canonical text) and answered with the recorded result, and
/// nothing reaches the kernel or the vat's state, which already hold what these deliveries did. The code must make
/// exactly the recorded syscalls, in order, and must not fail where it succeeded: anything else is a divergence, and
/// the worker is not used (SwingSet calls this "anachrophobia").
/// </summary>
internal static class TranscriptReplay
{
    /// <summary>
    /// What a syscall made with the syscall object of a delivery that is over throws, when the delivery was made and
    /// when it is replayed alike: it has no effect and is not recorded.
    /// </summary>
    public const string SyscallAfterDelivery = "a syscall was made after its delivery ended: a vat must use the syscalls of the delivery it is in";

    /// <summary>
    /// Replays <paramref name="span"/> (the entries from position <paramref name="firstPosition"/> on) into
    /// <paramref name="worker"/>; returns null, or the divergence as one line naming the vat, the delivery and the
    /// expected and actual syscall.
    /// </summary>
    public static string? Replay(string vatId, long firstPosition, IRawVat worker, IReadOnlyList<TranscriptEntry> span)
    {
        for (var i = 0; i < span.Count; i++)
        {
            var position = firstPosition + i;
            var simulator = new Simulator(span[i].Syscalls);
            try
            {
                if (span[i].RebuiltImports is { } imports && worker is IRebuiltVat rebuilt) rebuilt.Rebuilt(imports);
                worker.Deliver(span[i].Delivery, simulator);
            }
            catch (Exception e) when (simulator.Divergence is null)
            {
                return $"replay of {vatId} diverged at delivery {position}: the vat threw {e.GetType().Name}: {e.Message} (it did not when the delivery was made)";
            }
            catch (Exception)
            {
                // the divergence is what counts, whatever the code did after it
            }
            finally
            {
                simulator.Closed = true;
            }
            if ((simulator.Divergence ?? simulator.Missing()) is { } problem)
                return $"replay of {vatId} diverged at delivery {position}: {problem}";
        }
        return null;
    }

    /// <summary>Answers one delivery's syscalls from its recorded ones, noting the first that differs.</summary>
    private sealed class Simulator(IReadOnlyList<RecordedSyscall> expected) : IVatSyscalls, IVatAdminSyscalls
    {
        private int _next;

        public string? Divergence { get; private set; }

        /// <summary>Set once the delivery is over: a syscall after that throws as it did when the delivery was made.</summary>
        public bool Closed { get; set; }

        public string? Missing() =>
            _next < expected.Count ? $"syscall {_next} expected {expected[_next].Text} but the vat made no more syscalls" : null;

        private string? Check(SyscallCall made)
        {
            if (Closed) throw new InvalidOperationException(SyscallAfterDelivery);
            if (Divergence is not null) throw new ReplayDivergenceException(Divergence);
            var call = TranscriptJson.Call(made);
            if (_next >= expected.Count) Divergence = $"syscall {_next} was {call} but the recorded delivery made no more syscalls";
            else if (!string.Equals(expected[_next].Text, call, StringComparison.Ordinal)) Divergence = $"syscall {_next} expected {expected[_next].Text} but the vat made {call}";
            if (Divergence is not null) throw new ReplayDivergenceException(Divergence);
            return expected[_next++].Result;
        }

        public void Send(string target, VCapData methargs, string? result = null) => Check(new("send", target, methargs, result));
        public void Resolve(IReadOnlyList<VatResolution> resolutions) => Check(new("resolve", resolutions));
        public void Subscribe(string vpid) => Check(new("subscribe", vpid));
        public void MarkPromiseDurable(string vpid) => Check(new("markPromiseDurable", vpid));
        public void CallVatAdmin(VCapData operation, string result) => Check(new("callVatAdmin", operation, result));
        public void Exit(bool isFailure, VCapData info) => Check(new("exit", isFailure, info));
        public void DropImports(IReadOnlyList<string> vrefs) => Check(new("dropImports", vrefs));
        public void RetireImports(IReadOnlyList<string> vrefs) => Check(new("retireImports", vrefs));
        public void RetireExports(IReadOnlyList<string> vrefs) => Check(new("retireExports", vrefs));
        public void AbandonExports(IReadOnlyList<string> vrefs) => Check(new("abandonExports", vrefs));
        public string? VatstoreGet(string key) => Check(new("vatstoreGet", key));
        public void VatstoreSet(string key, string value) => Check(new("vatstoreSet", key, value));
        public void VatstoreDelete(string key) => Check(new("vatstoreDelete", key));
        public string? VatstoreGetNextKey(string priorKey) => Check(new("vatstoreGetNextKey", priorKey));
    }
}

/// <summary>A replayed worker made a syscall other than the recorded one; replay stops and the worker is discarded.</summary>
internal sealed class ReplayDivergenceException(string message) : Exception(message);
