using Xunit;

namespace ActorSwingSet.Analyzers.Tests;

/// <summary>
/// Every banned API is flagged in a vat with its category's diagnostic, and the same statement in host code is not.
/// In the cases, « and » mark the span the diagnostic must cover.
/// </summary>
public sealed class BannedApiTests
{
    public static TheoryData<string, string> Banned => new()
    {
        { "ASW0001", "_ = «DateTime.Now»;" },
        { "ASW0001", "_ = «DateTime.UtcNow»;" },
        { "ASW0001", "_ = «DateTime.Today»;" },
        { "ASW0001", "_ = «DateTimeOffset.Now»;" },
        { "ASW0001", "_ = «DateTimeOffset.UtcNow»;" },
        { "ASW0001", "_ = «Stopwatch.StartNew()»;" },
        { "ASW0001", "_ = «new Stopwatch()»;" },
        { "ASW0001", "_ = «Stopwatch.GetTimestamp()»;" },
        { "ASW0001", "_ = «Environment.TickCount»;" },
        { "ASW0001", "_ = «Environment.TickCount64»;" },
        { "ASW0001", "_ = «TimeProvider.System»;" },
        { "ASW0002", "_ = «new Random()»;" },
        { "ASW0002", "_ = «new Random(42)»;" },
        { "ASW0002", "_ = «Random.Shared»;" },
        { "ASW0002", "_ = «RandomNumberGenerator.GetInt32(10)»;" },
        { "ASW0002", "_ = «RandomNumberGenerator.Create()»;" },
        { "ASW0002", "_ = «Guid.NewGuid()»;" },
        { "ASW0003", "_ = «Task.Delay(1)»;" },
        { "ASW0003", "«Thread.Sleep(1)»;" },
        { "ASW0003", "_ = «new System.Threading.Timer(_ => { })»;" },
        { "ASW0003", "_ = «new System.Timers.Timer()»;" },
        { "ASW0003", "_ = «new PeriodicTimer(TimeSpan.FromSeconds(1))»;" },
        { "ASW0003", "_ = «new CancellationTokenSource(1)»;" },
        { "ASW0003", "var cts = new CancellationTokenSource(); «cts.CancelAfter(1)»;" },
        { "ASW0004", "_ = «Task.Run(() => { })»;" },
        { "ASW0004", "_ = «Task.Factory.StartNew(() => { })»;" },
        { "ASW0004", "_ = «ThreadPool.QueueUserWorkItem(_ => { })»;" },
        { "ASW0004", "var t = new Task(() => { }); «t.Start()»;" },
        { "ASW0004", "Func<Action, Task> run = «Task.Run»;" },
        { "ASW0006", "_ = «new Thread(() => { })»;" },
        { "ASW0006", "«Parallel.For(0, 2, _ => { })»;" },
        { "ASW0006", "«Parallel.Invoke(() => { })»;" },
        { "ASW0006", "_ = «new[] { 1 }.AsParallel()»;" },
        { "ASW0008", "_ = «File.ReadAllText(\"x\")»;" },
        { "ASW0008", "_ = «Directory.GetFiles(\".\")»;" },
        { "ASW0008", "_ = «new FileInfo(\"x\")»;" },
        { "ASW0008", "_ = «new FileStream(\"x\", FileMode.Open)»;" },
        { "ASW0008", "_ = «new StreamReader(\"x\")»;" },
        { "ASW0008", "_ = «new StreamWriter(\"x\")»;" },
        { "ASW0008", "_ = «new HttpClient()»;" },
        { "ASW0008", "_ = «new Socket(SocketType.Stream, ProtocolType.Tcp)»;" },
        { "ASW0008", "_ = «Dns.GetHostName()»;" },
        { "ASW0008", "_ = «Path.GetTempPath()»;" },
        { "ASW0009", "_ = «Environment.GetEnvironmentVariable(\"HOME\")»;" },
        { "ASW0009", "_ = «Environment.GetEnvironmentVariables()»;" },
        { "ASW0009", "«Environment.SetEnvironmentVariable(\"A\", \"b\")»;" },
        { "ASW0009", "_ = «Environment.CurrentDirectory»;" },
        { "ASW0009", "_ = «Environment.MachineName»;" },
        { "ASW0009", "_ = «Environment.ProcessId»;" },
        { "ASW0009", "_ = «Process.GetCurrentProcess()»;" },
        { "ASW0009", "_ = «Path.GetFullPath(\"x\")»;" },
    };

    [Theory]
    [MemberData(nameof(Banned))]
    public Task A_banned_api_in_a_vat_is_flagged(string id, string statement) =>
        Verify.AnalyzerAsync(Verify.InVat(statement.Replace("«", "{|" + id + ":").Replace("»", "|}")));

    [Theory]
    [MemberData(nameof(Banned))]
    public Task The_same_api_in_host_code_is_not_flagged(string id, string statement)
    {
        Assert.StartsWith("ASW", id);
        return Verify.AnalyzerAsync(Verify.InHost(statement.Replace("«", "").Replace("»", "")));
    }

    [Theory]
    [InlineData("_ = DateTime.MinValue; _ = new DateTime(2020, 1, 1); _ = TimeSpan.FromSeconds(1);")]
    [InlineData("_ = Environment.NewLine;")]
    [InlineData("_ = new StreamReader(new MemoryStream()); _ = Path.Combine(\"a\", \"b\");")]
    [InlineData("_ = IPAddress.Parse(\"127.0.0.1\"); _ = WebUtility.HtmlEncode(\"<\"); _ = HttpStatusCode.OK; _ = HttpVersion.Version11;")]
    [InlineData("_ = Task.FromResult(1); _ = Task.CompletedTask; _ = Task.WhenAll(Task.CompletedTask);")]
    [InlineData("_ = Guid.Empty; _ = Guid.Parse(\"00000000-0000-0000-0000-000000000001\");")]
    [InlineData("_ = new CancellationTokenSource(); _ = nameof(DateTime.Now);")]
    [InlineData("var random = powers; _ = random.MakePromiseKit();")]
    public Task Deterministic_apis_are_not_flagged_in_a_vat(string statements) =>
        Verify.AnalyzerAsync(Verify.InVat(statements));

    [Fact]
    public Task The_message_names_the_api_and_why() =>
        Verify.AnalyzerAsync(
            Verify.InVat("_ = {|#0:DateTime.UtcNow|};"),
            Verify.Diagnostic("ASW0001").WithLocation(0).WithArguments("DateTime.UtcNow")
                .WithMessage("'DateTime.UtcNow' reads the clock, which differs between a vat's first run and its replay; " +
                    "vat code must be deterministic, so that replaying its transcript after a restart makes the same syscalls"));

    [Fact]
    public Task A_constructor_is_named_with_new() =>
        Verify.AnalyzerAsync(
            Verify.InVat("_ = {|#0:new Random()|};"),
            Verify.Diagnostic("ASW0002").WithLocation(0).WithArguments("new Random"));
}
