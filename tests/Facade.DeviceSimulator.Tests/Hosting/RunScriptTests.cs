using System.Diagnostics;
using System.Globalization;

namespace Facade.DeviceSimulator.Tests.Hosting;

/// <summary>
/// <c>./run.sh</c> provisions the simulator's devices for the demo user before the device edge starts, then starts the
/// simulator with the same credentials file; when a step fails it says so and stops every service it started. Runs
/// the real script with stand-ins for <c>dotnet</c> and <c>curl</c> first on the PATH: services are <c>sleep</c>s, the
/// command lines answer as the real ones do, and every call is written to a log.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RunScriptTests
{
    private const string DemoUserId = "0b7c9e2a-demo";

    [Fact]
    public async Task Run_ProvisionsTheSimulatedDevicesForTheDemoUser_BeforeTheDeviceEdge_ThenStartsTheSimulator()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("run.sh is a bash script for Debian.");
        }

        var run = await RunAsync(demoUserId: DemoUserId);

        Assert.True(run.ExitCode == 0, run.Stderr);
        var root = RepositoryRoot();
        var credentials = $"{root}/data/simulator/credentials.json";
        var calls = run.Calls;
        Assert.Contains($"{root}/mocks/DeviceSimulator: bin/Release/net10.0/Facade.Mocks.DeviceSimulator.dll init --devices 5 --credentials {credentials}", calls);
        var greenhouse = calls.IndexOf($"{root}/device-edge: bin/Release/net10.0/Facade.DeviceEdge.dll devices provision sim-greenhouse-1 --owner {DemoUserId} --name Greenhouse 1 --type greenhouse-controller --tag simulator --secret-stdin < fdev_greenhouse");
        var power = calls.IndexOf($"{root}/device-edge: bin/Release/net10.0/Facade.DeviceEdge.dll devices provision sim-power-1 --owner {DemoUserId} --name Power meter 1 --type power-meter --tag simulator --secret-stdin < fdev_power");
        var deviceEdge = calls.FindIndex(c => c.Contains("run -c Release --no-build --project device-edge", StringComparison.Ordinal));
        var simulator = calls.FindIndex(c => c.Contains($"run -c Release --no-build --project mocks/DeviceSimulator --launch-profile device-simulator -- --credentials {credentials}", StringComparison.Ordinal));
        Assert.True(greenhouse >= 0 && power >= 0, string.Join('\n', calls));
        Assert.True(greenhouse < deviceEdge && power < deviceEdge && deviceEdge < simulator, string.Join('\n', calls));
        Assert.DoesNotContain("fdev_", run.Stdout + run.Stderr, StringComparison.Ordinal);

        // The research agent's key: created once with the edge's admin CLI, kept private, handed to the responder as a file.
        Assert.Contains($"{root}/proxy: bin/Release/net10.0/Facade.Proxy.dll keys create --user demo --agent research --scopes agents:serve", calls);
        var responder = calls.FindIndex(c => c.Contains($"run -c Release --no-build --project mocks/AgentResponder --launch-profile agent-responder -- --key-file {run.AgentKeyFile}", StringComparison.Ordinal));
        Assert.True(responder > deviceEdge, string.Join('\n', calls));
        Assert.Equal("fk_a_standin-agent-key", run.AgentKey);
        Assert.DoesNotContain("fk_a_standin-agent-key", run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "could not read the demo user's id")]
    [InlineData(DemoUserId, "simulated device sim-power-1: Device 'sim-power-1' exists and belongs to another user.")]
    public async Task Run_WhenProvisioningFails_SaysWhy_AndStopsEveryServiceItStarted(string? demoUserId, string error)
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("run.sh is a bash script for Debian.");
        }

        var run = await RunAsync(demoUserId, provisioningFailsFor: "sim-power-1");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(error, run.Stderr, StringComparison.Ordinal);
        Assert.NotEmpty(run.Services);
        Assert.All(run.Services, pid => Assert.False(IsRunning(pid), $"service {pid} still runs"));
    }

    private sealed record ScriptRun(int ExitCode, string Stdout, string Stderr, List<string> Calls, List<int> Services, string AgentKeyFile = "", string? AgentKey = null);

    /// <summary>
    /// Runs <c>./run.sh</c>; <paramref name="demoUserId"/> null makes <c>users show demo</c> print nothing, and
    /// provisioning <paramref name="provisioningFailsFor"/> fails as for a device of another user. The stand-in
    /// simulator service ends at once, which ends the script (its last step waits for the first service to end).
    /// </summary>
    private static async Task<ScriptRun> RunAsync(string? demoUserId, string? provisioningFailsFor = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var bin = Directory.CreateTempSubdirectory("facade-runsh-");
        var calls = Path.Combine(bin.FullName, "calls.log");
        var services = Path.Combine(bin.FullName, "services.log");
        try
        {
            await WriteScriptAsync(bin, "dotnet", $$"""
                case "$1" in
                  --list-sdks) echo "10.0.100 [/stand-in]"; exit 0 ;;
                  tool|build) exit 0 ;;
                  run)
                    echo "$PWD: $*" >> '{{calls}}'
                    case "$*" in *"--project mocks/DeviceSimulator"*) exit 0 ;; esac
                    echo "$$" >> '{{services}}'
                    exec sleep 300 ;;
                  *Facade.Proxy.dll)
                    echo "$PWD: $*" >> '{{calls}}'
                    case "$*" in *"keys create"*) printf 'Key created (shown once):\nfk_a_standin-agent-key\n'; exit 0 ;; esac
                    {{(demoUserId is null ? "" : $"printf 'id: {demoUserId}\\nusername: demo\\n'")}}
                    exit 0 ;;
                  *Facade.Mocks.DeviceSimulator.dll)
                    echo "$PWD: $*" >> '{{calls}}'
                    printf 'sim-greenhouse-1\tgreenhouse-controller\tGreenhouse 1\tfdev_greenhouse\n'
                    printf 'sim-power-1\tpower-meter\tPower meter 1\tfdev_power\n'
                    exit 0 ;;
                  *Facade.DeviceEdge.dll)
                    read -r secret
                    if [ "$4" = '{{provisioningFailsFor}}' ]; then echo "Device '$4' exists and belongs to another user."; exit 1; fi
                    echo "$PWD: $* < $secret" >> '{{calls}}'
                    printf 'Device provisioned. Its secret (shown once):\n%s\n' "$secret"
                    exit 0 ;;
                esac
                exit 0
                """);
            await WriteScriptAsync(bin, "curl", "exit 0");

            var start = new ProcessStartInfo("/bin/bash", [Path.Combine(RepositoryRoot(), "run.sh")])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["PATH"] = bin.FullName + ":/usr/bin:/bin";
            start.Environment["AGENT_KEY_FILE"] = Path.Combine(bin.FullName, "agent-responder", "key");
            using var process = Process.Start(start)!;
            try
            {
                var stdout = process.StandardOutput.ReadToEndAsync(ct);
                var stderr = process.StandardError.ReadToEndAsync(ct);
                await process.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(60), ct);
                var keyFile = start.Environment["AGENT_KEY_FILE"]!;
                string? key = null;
                if (File.Exists(keyFile))
                {
                    Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
                    key = (await File.ReadAllTextAsync(keyFile, ct)).Trim();
                }

                return new ScriptRun(process.ExitCode, await stdout, await stderr, [.. await ReadLinesAsync(calls)],
                    [.. (await ReadLinesAsync(services)).Select(line => int.Parse(line, CultureInfo.InvariantCulture))], keyFile, key);
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                foreach (var pid in await ReadLinesAsync(services))
                {
                    KillIfRunning(int.Parse(pid, CultureInfo.InvariantCulture));
                }
            }
        }
        finally
        {
            bin.Delete(recursive: true);
        }
    }

    private static async Task<string[]> ReadLinesAsync(string path) =>
        File.Exists(path) ? await File.ReadAllLinesAsync(path, TestContext.Current.CancellationToken) : [];

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void KillIfRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Gone already.
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
