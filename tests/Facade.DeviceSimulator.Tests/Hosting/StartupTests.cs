extern alias simulator;

using System.Diagnostics;
using System.Runtime.InteropServices;
using Facade.Testing;
using simulator::Facade.Mocks.DeviceSimulator.Fleet;

namespace Facade.DeviceSimulator.Tests.Hosting;

/// <summary>A simulator that cannot work stops at start and says why, naming the setting or the file.</summary>
public sealed class StartupTests
{
    [Fact]
    public void MissingCredentialsFile_StopsTheStart_SayingHowToCreateIt()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"facade-{Guid.NewGuid():N}", "credentials.json");

        var logs = new CapturedLogs();

        Assert.ThrowsAny<Exception>(() => SimulatorHost.Start(1883, missing, logs: logs).Dispose());

        Assert.Contains($"No credentials file at {missing}: create it with 'init --devices 5", logs.Text + string.Join('\n', logs.Entries.Select(e => e.Exception)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Simulator:FailureRate", "1.5", "FailureRate")]
    [InlineData("Simulator:IntervalSeconds", "0", "IntervalSeconds")]
    [InlineData("Simulator:MaxReconnectDelay", "00:00:00.050", "Simulator:MaxReconnectDelay (00:00:00.0500000) must not be shorter than Simulator:ReconnectDelay")]
    [InlineData("Simulator:BrokerHost", "not a host", "Simulator:BrokerHost 'not a host' must be a host name or an IP address")]
    public async Task BadSetting_StopsTheStart_NamingIt(string key, string value, string message)
    {
        var credentials = await WriteAsync([new DeviceCredentials("sim-a", "power-meter", "A", "fdev_" + new string('a', 43))]);

        var error = Record.Exception(() => SimulatorHost.Start(1883, credentials, new Dictionary<string, string?> { [key] = value }).Dispose());

        Assert.NotNull(error);
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadSetting_EndsTheProcessWithExitCode1_AndOneLineNamingIt()
    {
        var credentials = await WriteAsync([new DeviceCredentials("sim-a", "power-meter", "A", "fdev_" + new string('a', 43))]);
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(credentials)!,
        };
        foreach (var argument in new[] { typeof(simulator::Program).Assembly.Location, "--credentials", credentials, "--control-port", "0", "--failure-rate", "1.5" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var error = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            await output;

            Assert.Equal(1, process.ExitCode);
            Assert.StartsWith("device-simulator failed to start: ", error, StringComparison.Ordinal);
            Assert.Contains("'FailureRate'", error, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", error, StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public void CredentialsFile_WithAnUnknownType_IsRefused_ListingTheKnownOnes()
    {
        var error = Assert.Throws<InvalidDataException>(() => CredentialsFile.Parse(
            """{"devices":[{"id":"sim-a","type":"toaster","name":"A","secret":"s"},{"id":"sim-a","type":"power-meter","name":"B","secret":"t"}]}""", "test"));

        Assert.Equal("The credentials in test are not valid: devices[0] 'sim-a': unknown type 'toaster' (known: greenhouse-controller, environment-sensor, power-meter); device 'sim-a' is listed more than once.", error.Message);
    }

    [Fact]
    public async Task Credentials_CanComeFromStandardInput()
    {
        var devices = await CredentialsFile.ReadAsync("-", new StringReader("""{"devices":[{"id":"sim-a","type":"power-meter","name":"A","secret":"s3cret"}]}"""),
            TestContext.Current.CancellationToken);

        Assert.Equal([new DeviceCredentials("sim-a", "power-meter", "A", "s3cret")], devices);
    }

    /// <summary>The dotnet host that runs these tests (the test process itself is an apphost, not dotnet).</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        var candidate = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet"));
        return File.Exists(candidate) ? candidate : "dotnet";
    }

    private static async Task<string> WriteAsync(IReadOnlyList<DeviceCredentials> devices)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("facade-simulator-").FullName, "credentials.json");
        await CredentialsFile.WriteAsync(file, devices, TestContext.Current.CancellationToken);
        return file;
    }
}
