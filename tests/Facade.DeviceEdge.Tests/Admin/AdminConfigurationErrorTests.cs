using System.Diagnostics;

namespace Facade.DeviceEdge.Tests.Admin;

/// <summary>The admin CLI with a setting the service would refuse: one line naming it and exit code 1, never a stack trace.</summary>
public sealed class AdminConfigurationErrorTests
{
    [Fact]
    public async Task MissingIssuer_IsOneLine_AndExitCode1()
    {
        var folder = Directory.CreateTempSubdirectory("facade-admin-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "Facade.DeviceEdge.dll"), "devices", "list", "--environment=Production", $"--DeviceEdge:DataDirectory={folder}" },
        };
        start.Environment.Remove("DeviceEdge__Issuer");
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, process.ExitCode);
        Assert.StartsWith("device-edge: DeviceEdge:Issuer is required", await error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", await error, StringComparison.Ordinal);
        Assert.Equal("", await output);
    }
}
