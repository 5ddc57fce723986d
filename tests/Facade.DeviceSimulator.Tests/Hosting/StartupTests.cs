extern alias simulator;

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

    private static async Task<string> WriteAsync(IReadOnlyList<DeviceCredentials> devices)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("facade-simulator-").FullName, "credentials.json");
        await CredentialsFile.WriteAsync(file, devices, TestContext.Current.CancellationToken);
        return file;
    }
}
