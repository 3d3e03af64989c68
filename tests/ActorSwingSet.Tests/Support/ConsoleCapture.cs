using Xunit;

namespace ActorSwingSet.Tests.Support;

/// <summary>
/// Test classes that redirect the console to read a command's output. They run by themselves, after the parallel
/// tests, so log lines from other tests' actor systems cannot end up in what they read.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCapture
{
    public const string Name = "console capture";
}
