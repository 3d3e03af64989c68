using System.CommandLine;
using ActorSwingSet.Cli.Commands;

namespace ActorSwingSet.Cli;

/// <summary>
/// The <c>swingset</c> command-line tool. Exit codes: 0 success, 1 damage found (an audit that is not clean, damaged
/// promises found by a scan, claims a repair could not verify), 2 bad input or usage, with the reason on stderr and
/// nothing changed.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("ActorSwingSet: an object-capability kernel (SwingSet semantics) on Akka.NET")
        {
            DemoCommand.Build(),
            ScanCommand.Build(),
            AuditCommand.Build(),
            UpgradeStateCommand.Build(),
            RepairCommand.Build(),
            VatsCommand.Build(),
            ReplayCommand.Build(),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count == 0) return await parse.InvokeAsync();
        // a usage error: the errors and the usage go to stderr, and the code is 2 (System.CommandLine's own is 1, which we keep for damage found)
        await parse.InvokeAsync(new InvocationConfiguration { Output = Console.Error, Error = Console.Error });
        return 2;
    }
}
