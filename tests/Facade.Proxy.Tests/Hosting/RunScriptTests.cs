using System.Diagnostics;

namespace Facade.Proxy.Tests.Hosting;

/// <summary>
/// <c>./run.sh bench</c> measures what it builds: when a service it benchmarks does not build, it must stop with a
/// non-zero exit and say which one, never go on with an old build of it. Runs the real script with stand-ins for
/// <c>dotnet</c>, <c>wrk</c>, <c>nginx</c>, <c>haproxy</c> and <c>curl</c> first on the PATH, so nothing is built,
/// installed or measured.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RunScriptTests
{
    [Theory]
    [InlineData("mcp-adapter/Facade.McpAdapter.csproj")]
    [InlineData("proxy/Facade.Proxy.csproj")]
    [InlineData("bench/Backend/Facade.Bench.Backend.csproj")]
    public async Task Bench_WhenAServiceDoesNotBuild_FailsLoudly_AndMeasuresNothing(string broken)
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("run.sh is a bash script for Debian.");
        }

        var (exitCode, stdout, stderr) = await RunBenchAsync(broken);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(broken, stderr, StringComparison.Ordinal);
        Assert.Contains("does not build", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("HARNESS RAN", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bench_WhenEverythingBuilds_RunsTheHarness()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("run.sh is a bash script for Debian.");
        }

        var (exitCode, stdout, stderr) = await RunBenchAsync(broken: null);

        Assert.True(exitCode == 0, stderr);
        Assert.Contains("HARNESS RAN", stdout, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunBenchAsync(string? broken)
    {
        var ct = TestContext.Current.CancellationToken;
        var bin = Directory.CreateTempSubdirectory("facade-runsh-");
        try
        {
            await WriteScriptAsync(bin, "dotnet", $$"""
                case "$1" in
                  --list-sdks) echo "10.0.100 [/stand-in]" ;;
                  build) case "$*" in *"{{broken ?? "(nothing is broken)"}}"*) echo "error CS1002: ; expected" >&2; exit 1 ;; esac ;;
                  *.dll) echo "HARNESS RAN" ;;
                esac
                exit 0
                """);
            foreach (var tool in new[] { "curl", "wrk", "nginx", "haproxy" })
            {
                await WriteScriptAsync(bin, tool, "exit 0");
            }

            var start = new ProcessStartInfo("/bin/bash", [Path.Combine(RepositoryRoot(), "run.sh"), "bench", "--smoke"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["PATH"] = bin.FullName + ":/usr/bin:/bin";
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(60), ct);
            return (process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            bin.Delete(recursive: true);
        }
    }

    private static async Task WriteScriptAsync(DirectoryInfo bin, string name, string body)
    {
        var path = Path.Combine(bin.FullName, name);
        await File.WriteAllTextAsync(path, "#!/bin/sh\n" + body + "\n", TestContext.Current.CancellationToken);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "run.sh")) && File.Exists(Path.Combine(folder.FullName, "Facade.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (run.sh) was not found above " + AppContext.BaseDirectory);
    }
}
