extern alias simulator;

using System.Net.Http.Json;
using System.Text.Json;
using Facade.DeviceEdge.Admin;
using simulator::Facade.Mocks.DeviceSimulator.Fleet;

namespace Facade.DeviceSimulator.Tests.Fleet;

/// <summary>
/// What <c>./run.sh</c> does before starting the simulator: <c>init</c> writes the credentials file (owner-only) and
/// prints the devices, each of which the device edge's <c>devices provision … --secret-stdin</c> registers for the
/// demo user. Run again over the same data folder, it gives the same devices with the same secrets, and no duplicates.
/// </summary>
public sealed class ProvisioningTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    [Fact]
    public async Task InitAndProvision_Twice_GiveTheSameDevices_WhichConnectForTheirOwner()
    {
        var data = Directory.CreateTempSubdirectory("facade-run-").FullName;
        var credentials = Path.Combine(data, "simulator", "credentials.json");
        var owner = "user-" + Guid.NewGuid().ToString("N");

        var first = await ProvisionAsync(data, credentials, owner, devices: 4);
        var second = await ProvisionAsync(data, credentials, owner, devices: 4);

        Assert.Equal(first, second);
        Assert.Equal(["sim-greenhouse-1", "sim-environment-1", "sim-power-1", "sim-greenhouse-2"], first.Select(d => d[0]));
        Assert.All(first, d => Assert.StartsWith("fdev_", d[3], StringComparison.Ordinal));
        Assert.Equal(4, first.Select(d => d[3]).Distinct().Count());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(credentials));
        }

        var listed = new StringWriter();
        Assert.Equal(0, await AdminCommands.RunAsync(["devices", "list", .. HostArguments(data)], TextReader.Null, listed));
        Assert.Equal(4, listed.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        var recorder = new DeviceRecorder();
        await using var edge = fixture.StartEdge(recorder, dataDirectory: data);
        await using var simulator = SimulatorHost.Start(edge.MqttPort, credentials);
        foreach (var device in first)
        {
            await fixture.OnlineAsync(device[0], recorder: recorder);
        }

        using var client = fixture.Client(owner, edge);
        var list = await client.GetFromJsonAsync<JsonElement>("devices", TestContext.Current.CancellationToken);
        Assert.Equal(first.Select(d => d[0]).Order(), list.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("id").GetString()!).Order());
        Assert.All(list.GetProperty("devices").EnumerateArray(), d => Assert.Equal(["simulator"], d.GetProperty("tags").EnumerateArray().Select(t => t.GetString())));
    }

    [Fact]
    public async Task Init_ForALargerFleet_KeepsTheSecretsItHas()
    {
        var credentials = Path.Combine(Directory.CreateTempSubdirectory("facade-run-").FullName, "credentials.json");

        var three = await InitAsync(credentials, 3);
        var five = await InitAsync(credentials, 5);

        Assert.Equal(three, five.Take(3));
        Assert.Equal(["sim-greenhouse-2", "sim-environment-2"], five.Skip(3).Select(d => d[0]));
        Assert.Equal(five.Select(d => new DeviceCredentials(d[0], d[1], d[2], d[3])),
            await CredentialsFile.ReadAsync(credentials, TextReader.Null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Init_OverAnUnreadableFile_FailsAndLeavesItAlone()
    {
        var credentials = Path.Combine(Directory.CreateTempSubdirectory("facade-run-").FullName, "credentials.json");
        const string Truncated = """{"devices": [{"id": "x""";
        await File.WriteAllTextAsync(credentials, Truncated, TestContext.Current.CancellationToken);
        var error = new StringWriter();

        var exit = await InitCommand.RunAsync(["init", "--devices", "2", "--credentials", credentials], new StringWriter(), error);

        Assert.Equal(1, exit);
        Assert.Contains("are not valid", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(Truncated, await File.ReadAllTextAsync(credentials, TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    public async Task Init_WithAnImpossibleFleetSize_Fails(string devices)
    {
        var credentials = Path.Combine(Directory.CreateTempSubdirectory("facade-run-").FullName, "credentials.json");
        var error = new StringWriter();

        var exit = await InitCommand.RunAsync(["init", "--devices", devices, "--credentials", credentials], new StringWriter(), error);

        Assert.NotEqual(0, exit);
        Assert.Contains("--devices must be from 1 to 1000", error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(credentials));
    }

    /// <summary>run.sh's provisioning step: init, then one <c>devices provision</c> per device with its secret on stdin.</summary>
    private static async Task<List<string[]>> ProvisionAsync(string data, string credentials, string owner, int devices)
    {
        var fleet = await InitAsync(credentials, devices);
        foreach (var (id, type, name, secret) in fleet.Select(d => (d[0], d[1], d[2], d[3])))
        {
            var output = new StringWriter();
            var exit = await AdminCommands.RunAsync(
                ["devices", "provision", id, "--owner", owner, "--name", name, "--type", type, "--tag", "simulator", "--secret-stdin", .. HostArguments(data)],
                new StringReader(secret + "\n"), output);
            Assert.True(exit == 0, output.ToString());
        }

        return fleet;
    }

    private static async Task<List<string[]>> InitAsync(string credentials, int devices)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await InitCommand.RunAsync(["init", "--devices", devices.ToString(System.Globalization.CultureInfo.InvariantCulture), "--credentials", credentials], output, error);
        Assert.True(exit == 0, error.ToString());
        return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.TrimEnd('\r').Split('\t')).ToList();
    }

    /// <summary>
    /// The data folder, and the issuer the device edge's Development settings would give (this test project's output
    /// folder, the CLI's content root here, holds the simulator's appsettings.json too).
    /// </summary>
    private static string[] HostArguments(string data) =>
        ["--environment=Development", $"--DeviceEdge:DataDirectory={data}", "--DeviceEdge:Issuer=http://127.0.0.1:5000/"];
}
