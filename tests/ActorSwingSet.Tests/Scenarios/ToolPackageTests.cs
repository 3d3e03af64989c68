using System.Diagnostics;
using System.Security;
using Xunit;

namespace ActorSwingSet.Tests.Scenarios;

/// <summary>
/// The CLI as a .NET tool: packed from the build this test run already made, installed from that folder alone (no
/// other package source) into a new tool path, then run as <c>swingset</c>. It runs alone, after the parallel tests:
/// a pack keeps both cores busy for seconds, which would only slow the timing-sensitive kernel tests down.
/// </summary>
[Collection(nameof(ToolPackageTests))]
public sealed class ToolPackageTests : IDisposable
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(3);

    private readonly string _dir = Directory.CreateTempSubdirectory("swingset-tool-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_cli_packs_as_a_tool_that_installs_from_a_local_folder_and_runs()
    {
        var repo = RepositoryRoot();
        // this assembly runs from tests/ActorSwingSet.Tests/bin/{Configuration}/{TargetFramework}/, and the CLI it
        // references was built in the same configuration
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var packages = Path.Combine(_dir, "packages");
        await Run("dotnet", repo, "pack", Path.Combine(repo, "src", "ActorSwingSet.Cli"), "--no-build", "-c", configuration, "-o", packages);
        var nupkg = Path.GetFileNameWithoutExtension(Assert.Single(Directory.GetFiles(packages, "ActorSwingSet.Cli.*.nupkg")));
        var version = nupkg["ActorSwingSet.Cli.".Length..];

        var nugetConfig = Path.Combine(_dir, "nuget.config");
        await File.WriteAllTextAsync(nugetConfig,
            $"<configuration><packageSources><clear /><add key=\"local\" value=\"{SecurityElement.Escape(packages)}\" /></packageSources></configuration>");
        var tools = Path.Combine(_dir, "tools");
        await Run("dotnet", _dir, "tool", "install", "--tool-path", tools, "--configfile", nugetConfig, "--version", version, "ActorSwingSet.Cli");

        var swingset = Path.Combine(tools, OperatingSystem.IsWindows() ? "swingset.exe" : "swingset");
        Assert.Contains("upgrade-state", await Run(swingset, _dir, "--help"), StringComparison.Ordinal);
        Assert.Contains("audit clean", await Run(swingset, _dir, "demo", "--in-memory", "--vats", "10"), StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "ActorSwingSet.sln"))) return d.FullName;
        throw new InvalidOperationException("ActorSwingSet.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Runs a command to completion; fails the test with its output unless it exits with 0.</summary>
    private static async Task<string> Run(string file, string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(file, args)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StepTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {StepTimeout}");
        }
        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} exited with {process.ExitCode}:\n{output}");
        return output;
    }
}

/// <summary>Runs <see cref="ToolPackageTests"/> on its own, after every parallel test collection.</summary>
[CollectionDefinition(nameof(ToolPackageTests), DisableParallelization = true)]
public sealed class ToolPackageTestsCollection;
