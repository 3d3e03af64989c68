using System.CommandLine;
using ActorSwingSet.Cli.Commands;

namespace ActorSwingSet.Cli;

/// <summary>The <c>swingset</c> command-line tool.</summary>
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
        };
        return await root.Parse(args).InvokeAsync();
    }
}
