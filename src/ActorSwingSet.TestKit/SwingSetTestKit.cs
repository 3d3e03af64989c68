using Xunit;
using Xunit.Abstractions;

namespace ActorSwingSet.TestKit;

/// <summary>
/// A base class for xunit 2 tests of vats: an Akka.NET TestKit whose <see cref="StartKernelAsync"/> starts an
/// in-memory kernel in the test's ActorSystem. When the test ends, every kernel it started is audited (a recount of
/// every reference and the kernel invariants); a finding fails the test with the audit's report. A test that breaks
/// the invariants on purpose calls <see cref="SkipAuditAtEnd"/>.
/// </summary>
/// <remarks>
/// The audit runs in <see cref="DisposeAsync"/> (xunit's <see cref="IAsyncLifetime"/>), before the ActorSystem shuts
/// down. A subclass that overrides <see cref="DisposeAsync"/> or <see cref="InitializeAsync"/> calls the base method.
/// </remarks>
public abstract class SwingSetTestKit : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private readonly List<TestKernel> _kernels = [];
    private string? _skipAuditReason;

    /// <summary>A test kit with Akka.TestKit's default configuration; <paramref name="output"/> receives the ActorSystem's log.</summary>
    protected SwingSetTestKit(ITestOutputHelper? output = null)
        : base((Akka.Configuration.Config?)null, null, output)
    {
    }

    /// <summary>A test kit whose ActorSystem also reads <paramref name="hocon"/> (e.g. <c>actorswingset.kernel</c> settings).</summary>
    protected SwingSetTestKit(string hocon, ITestOutputHelper? output = null)
        : base(hocon, output)
    {
    }

    /// <summary>
    /// Starts a kernel described by <paramref name="configure"/> (vat bundles, static vats, policies; the vat-admin vat
    /// runs unless turned off), runs it to quiescence so the static vats have started, and returns it. A test may
    /// start several; each is audited at the end.
    /// </summary>
    /// <example><c>var kernel = await StartKernelAsync(k =&gt; k.Vat&lt;BankV1&gt;("bank-v1").StaticVat("bank", "bank-v1"));</c></example>
    protected async Task<TestKernel> StartKernelAsync(Action<TestKernelBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = new TestKernelBuilder();
        configure(builder);
        var name = "swingset-kernel-" + (_kernels.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var kernel = new TestKernel(SwingSetController.Start(Sys, builder.Build(), name), name, builder.MaxCranks);
        _kernels.Add(kernel);
        await kernel.RunToQuiescenceAsync().ConfigureAwait(false);
        return kernel;
    }

    /// <summary>
    /// Turns off the audit at the end of this test, for a test that breaks the kernel's invariants on purpose.
    /// <paramref name="reason"/> says why; it is written to the test output.
    /// </summary>
    protected void SkipAuditAtEnd(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        _skipAuditReason = reason;
    }

    /// <summary>Called by xunit before the test; does nothing here.</summary>
    public virtual Task InitializeAsync() => Task.CompletedTask;

    /// <summary>
    /// Called by xunit after the test, before <see cref="IDisposable.Dispose"/>: audits every kernel the test
    /// started, and throws <see cref="KernelAuditException"/> (failing the test) if an audit finds anything or a
    /// kernel cannot be audited (it panicked or stopped).
    /// </summary>
    public virtual async Task DisposeAsync()
    {
        if (_skipAuditReason is not null)
        {
            Output?.WriteLine($"end-of-test audit skipped: {_skipAuditReason}");
            return;
        }
        var findings = new List<string>();
        foreach (var kernel in _kernels)
        {
            try
            {
                var report = await kernel.AuditAsync().ConfigureAwait(false);
                if (!report.IsClean) findings.Add($"kernel {kernel.Name}: {report}");
            }
            catch (KernelPanicException e)
            {
                findings.Add($"kernel {kernel.Name} could not be audited: {e.Message}");
            }
        }
        if (findings.Count > 0)
            throw new KernelAuditException("the end-of-test audit failed (call SkipAuditAtEnd in a test that breaks the kernel on purpose):\n"
                + string.Join("\n", findings));
    }
}
