namespace ActorSwingSet.Tests.Support;

/// <summary>
/// TestKit settings for a slow or loaded machine (a 2-core CI runner shared with other jobs): TestKit's waits fail only
/// after ten times their default or given duration (ExpectMsg, ExpectTerminated, AwaitAssert: 3 s becomes 30 s), and
/// an EventFilter waits 30 s for its log event (timefactor does not stretch it). A passing test never waits for them.
/// </summary>
public static class LoadedMachine
{
    /// <summary>HOCON to put before a TestKit test class's own settings.</summary>
    public const string TestKitConfig = """
        akka.test.timefactor = 10
        akka.test.filter-leeway = 30s

        """;
}
