using ActorSwingSet.Liveslots;
using ActorSwingSet.Vats;
using Xunit;

namespace ActorSwingSet.Tests.Pure;

/// <summary>
/// The turn context's rule, without a kernel: only the thread running the delivery is inside the turn, so what any
/// other thread posts is never run, whenever it arrives, and the vat is marked.
/// </summary>
public sealed class VatTurnContextTests
{
    private sealed class NoSyscalls : IVatSyscalls
    {
        public void Send(string target, VCapData methargs, string? result = null) => throw new NotSupportedException();
        public void Resolve(IReadOnlyList<VatResolution> resolutions) => throw new NotSupportedException();
        public void Subscribe(string vpid) => throw new NotSupportedException();
        public void MarkPromiseDurable(string vpid) => throw new NotSupportedException();
        public void Exit(bool isFailure, VCapData info) => throw new NotSupportedException();
        public void DropImports(IReadOnlyList<string> vrefs) => throw new NotSupportedException();
        public void RetireImports(IReadOnlyList<string> vrefs) => throw new NotSupportedException();
        public void RetireExports(IReadOnlyList<string> vrefs) => throw new NotSupportedException();
        public void AbandonExports(IReadOnlyList<string> vrefs) => throw new NotSupportedException();
        public string? VatstoreGet(string key) => throw new NotSupportedException();
        public void VatstoreSet(string key, string value) => throw new NotSupportedException();
        public void VatstoreDelete(string key) => throw new NotSupportedException();
        public string? VatstoreGetNextKey(string priorKey) => throw new NotSupportedException();
    }

    /// <summary>Runs <paramref name="action"/> on a new thread and waits for it (no timing: a join).</summary>
    private static void OnAnotherThread(Action action)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try { action(); }
            catch (Exception e) { failure = e; }
        });
        thread.Start();
        thread.Join();
        if (failure is not null) throw new InvalidOperationException("the other thread failed", failure);
    }

    [Fact]
    public void The_delivery_threads_posts_run_in_order_when_drained()
    {
        var turns = new VatTurnContext();
        var ran = new List<int>();
        turns.Begin(new NoSyscalls(), null!);
        turns.Post(_ => { ran.Add(1); turns.Post(_ => ran.Add(3), null); }, null);
        turns.Post(_ => ran.Add(2), null);
        turns.Drain();
        turns.End();
        Assert.Equal([1, 2, 3], ran);
        Assert.False(turns.EscapedTurn);
    }

    [Fact]
    public void A_post_from_another_thread_while_the_delivery_drains_is_never_run_and_marks_the_vat()
    {
        var turns = new VatTurnContext();
        var ran = new List<string>();
        turns.Begin(new NoSyscalls(), null!);
        turns.Post(_ =>
        {
            ran.Add("own");
            OnAnotherThread(() => turns.Post(_ => ran.Add("foreign"), null));
            OnAnotherThread(() => turns.Send(_ => ran.Add("foreign send"), null));
            turns.Post(_ => ran.Add("own later"), null);
        }, null);
        turns.Drain();
        turns.End();
        Assert.Equal(["own", "own later"], ran);
        Assert.True(turns.EscapedTurn);
    }

    [Fact]
    public void A_post_after_the_delivery_ended_is_never_run_even_from_the_thread_that_ran_it()
    {
        var turns = new VatTurnContext();
        var ran = false;
        turns.Begin(new NoSyscalls(), null!);
        turns.Drain();
        turns.End();
        turns.Post(_ => ran = true, null);
        turns.Begin(new NoSyscalls(), null!);
        turns.Drain();
        turns.End();
        Assert.False(ran);
        Assert.True(turns.EscapedTurn);
    }

    [Fact]
    public void Only_the_delivery_thread_gets_the_syscalls()
    {
        var turns = new VatTurnContext();
        var syscalls = new NoSyscalls();
        turns.Begin(syscalls, null!);
        Assert.Same(syscalls, turns.Syscalls);
        Assert.False(turns.EscapedTurn);
        string? refused = null;
        OnAnotherThread(() => refused = Assert.Throws<InvalidOperationException>(() => turns.Syscalls).Message);
        turns.End();
        Assert.Contains("syscall outside its turn", refused);
        Assert.True(turns.EscapedTurn);
    }
}
