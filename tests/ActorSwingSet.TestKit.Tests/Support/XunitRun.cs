using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ActorSwingSet.TestKit.Tests.Support;

/// <summary>
/// A test that the test run itself does not discover: <see cref="XunitRun"/> runs it on purpose, to see how xunit
/// reports it (e.g. whether a failure in its clean-up fails it).
/// </summary>
[XunitTestCaseDiscoverer("ActorSwingSet.TestKit.Tests.Support.NotDiscovered", "ActorSwingSet.TestKit.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class NestedFactAttribute : FactAttribute;

/// <summary>The discoverer of <see cref="NestedFactAttribute"/>: it finds no test cases.</summary>
public sealed class NotDiscovered : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) => [];
}

/// <summary>How xunit reported one test: passed, or failed with the exceptions' types and messages.</summary>
public sealed record XunitOutcome(bool Passed, IReadOnlyList<string> ExceptionTypes, IReadOnlyList<string> Messages)
{
    public string AllMessages => string.Join("\n", Messages);
}

/// <summary>
/// Runs one test method through xunit 2's own pipeline (<see cref="XunitTestCase"/>: construction, the test,
/// <see cref="IAsyncLifetime.DisposeAsync"/>, <see cref="IDisposable.Dispose"/>) and returns how xunit reported it.
/// </summary>
public static class XunitRun
{
    public static async Task<XunitOutcome> RunAsync<TTestClass>(string method)
    {
        var type = typeof(TTestClass);
        var assembly = new TestAssembly(Reflector.Wrap(type.Assembly));
        var collection = new TestCollection(assembly, null, "nested run of " + type.Name);
        var testMethod = new TestMethod(new TestClass(collection, Reflector.Wrap(type)), Reflector.Wrap(type.GetMethod(method)!));
        var sink = new NullSink();
        var testCase = new XunitTestCase(sink, TestMethodDisplay.ClassAndMethod, TestMethodDisplayOptions.None, testMethod);
        using var bus = new RecordingBus();
        using var cancel = new CancellationTokenSource();
        var summary = await testCase.RunAsync(sink, bus, [], new ExceptionAggregator(), cancel);
        Assert.Equal(1, summary.Total);
        if (bus.Messages.OfType<ITestFailed>().SingleOrDefault() is { } failed) return new XunitOutcome(false, failed.ExceptionTypes, failed.Messages);
        Assert.Single(bus.Messages.OfType<ITestPassed>());
        return new XunitOutcome(true, [], []);
    }

    private sealed class NullSink : LongLivedMarshalByRefObject, IMessageSink
    {
        public bool OnMessage(IMessageSinkMessage message) => true;
    }

    private sealed class RecordingBus : IMessageBus
    {
        private readonly List<IMessageSinkMessage> _messages = [];

        public IReadOnlyList<IMessageSinkMessage> Messages
        {
            get { lock (_messages) return [.. _messages]; }
        }

        public bool QueueMessage(IMessageSinkMessage message)
        {
            lock (_messages) _messages.Add(message);
            return true;
        }

        public void Dispose()
        {
        }
    }
}
