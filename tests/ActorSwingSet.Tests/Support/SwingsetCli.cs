using ActorSwingSet.Cli;

namespace ActorSwingSet.Tests.Support;

/// <summary>Runs the swingset command in-process with the console captured (for tests in the <see cref="ConsoleCapture"/> collection).</summary>
public static class SwingsetCli
{
    public static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (o, e) = (new StringWriter(), new StringWriter());
        Console.SetOut(o);
        Console.SetError(e);
        // Spectre.Console keeps the writer it first saw: give it this call's
        Spectre.Console.AnsiConsole.Console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(o) });
        try
        {
            return (await Program.Main(args), o.ToString(), e.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
            // a pooled connection the command left would look like another process holding its file
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }
}
