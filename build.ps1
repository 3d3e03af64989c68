#!/usr/bin/env pwsh
# ActorSwingSet build script. Runs anywhere .NET does, through the pinned local PowerShell tool:
#   dotnet tool restore
#   dotnet pwsh build.ps1 [build|test|demo|bench|pack] [-- extra arguments]
# pack: every packable project of the solution (the ones under src/) into artifacts/packages.
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('build', 'test', 'demo', 'bench', 'pack')]
    [string] $Target = 'build',
    [Parameter(ValueFromRemainingArguments = $true)]
    [string[]] $Rest = @()
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

function Invoke-Dotnet {
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE" }
}

switch ($Target) {
    'build' { Invoke-Dotnet build ActorSwingSet.sln -c Release }
    'test'  { Invoke-Dotnet test ActorSwingSet.sln @Rest }
    'demo'  { Invoke-Dotnet run --project src/ActorSwingSet.Cli -c Release -- demo @Rest }
    'bench' { Invoke-Dotnet run --project bench/ActorSwingSet.Benchmarks -c Release -- @Rest }
    'pack'  { Invoke-Dotnet pack ActorSwingSet.sln -c Release @Rest }
}
