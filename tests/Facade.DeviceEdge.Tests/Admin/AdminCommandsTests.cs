using Facade.DeviceEdge.Admin;
using Facade.Testing;
using MQTTnet;

namespace Facade.DeviceEdge.Tests.Admin;

/// <summary>
/// <c>devices provision</c> registers a device for a user in the service's own database (how scripts provision the
/// simulator's devices); the device then connects with the printed secret, and its owner sees it over REST.
/// </summary>
public sealed class AdminCommandsTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    [Fact]
    public async Task Provision_CreatesADeviceThatConnects_AndItsOwnerSeesIt()
    {
        var data = Directory.CreateTempSubdirectory("facade-devices-").FullName;
        var owner = DeviceEdgeFixture.NewUser();
        var output = new StringWriter();

        var exit = await AdminCommands.RunAsync(
            ["devices", "provision", "sim-1", "--owner", owner, "--name", "Simulated boiler", "--type", "thermometer", "--tag", "sim", "--tag", "site:lab",
                "--environment=Development", DeviceEdgeFixture.IssuerArgument, $"--DeviceEdge:DataDirectory={data}"],
            new StringReader(""), output);

        Assert.Equal(0, exit);
        var secret = output.ToString().TrimEnd().Split('\n')[^1];
        Assert.StartsWith("fdev_", secret, StringComparison.Ordinal);
        await using var host = fixture.StartHost(dataDirectory: data, events: new DeviceEvents());
        var (device, result) = await TestDevice.ConnectAsync(host.MqttPort, "sim-1", secret, cancellationToken: TestContext.Current.CancellationToken);
        device.Dispose();
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        using var client = fixture.Client(owner, host: host);
        var (_, json) = await client.SendJsonAsync(HttpMethod.Get, "devices/sim-1");
        Assert.Equal("Simulated boiler", json.Text("name"));
        Assert.Equal("owner", json.Text("access"));
    }

    [Fact]
    public async Task Provision_Again_WithAGivenSecret_ReplacesTheSecret()
    {
        var data = Directory.CreateTempSubdirectory("facade-devices-").FullName;
        var owner = DeviceEdgeFixture.NewUser();
        string[] args = ["devices", "provision", "sim-2", "--owner", owner, "--name", "Sim", "--type", "meter", "--secret-stdin",
            "--environment=Development", DeviceEdgeFixture.IssuerArgument, $"--DeviceEdge:DataDirectory={data}"];
        var chosen = "fdev_" + new string('k', 43);

        Assert.Equal(0, await AdminCommands.RunAsync(args, new StringReader("fdev_" + new string('j', 43) + "\n"), new StringWriter()));
        var output = new StringWriter();
        Assert.Equal(0, await AdminCommands.RunAsync(args, new StringReader(chosen + "\n"), output));

        Assert.Equal(chosen, output.ToString().TrimEnd().Split('\n')[^1]);
        await using var host = fixture.StartHost(dataDirectory: data, events: new DeviceEvents());
        var (device, result) = await TestDevice.ConnectAsync(host.MqttPort, "sim-2", chosen, cancellationToken: TestContext.Current.CancellationToken);
        device.Dispose();
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
    }

    [Theory]
    [InlineData("Bad Id", "user-1", "", "The id must match")]
    [InlineData("sim-3", "has space", "", "The owner must be")]
    [InlineData("sim-3", "user-1", "short\n", "at least 32 characters")]
    public async Task Provision_BadInput_FailsWithAReason(string id, string owner, string stdin, string message)
    {
        var data = Directory.CreateTempSubdirectory("facade-devices-").FullName;
        var output = new StringWriter();
        string[] args = ["devices", "provision", id, "--owner", owner, "--name", "Sim", "--type", "meter", .. (stdin.Length > 0 ? new[] { "--secret-stdin" } : []),
            "--environment=Development", DeviceEdgeFixture.IssuerArgument, $"--DeviceEdge:DataDirectory={data}"];

        var exit = await AdminCommands.RunAsync(args, new StringReader(stdin), output);

        Assert.NotEqual(0, exit);
        Assert.Contains(message, output.ToString(), StringComparison.Ordinal);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task Provision_SomeoneElsesDevice_Fails()
    {
        var data = Directory.CreateTempSubdirectory("facade-devices-").FullName;
        string[] Args(string owner) => ["devices", "provision", "sim-4", "--owner", owner, "--name", "Sim", "--type", "meter",
            "--environment=Development", DeviceEdgeFixture.IssuerArgument, $"--DeviceEdge:DataDirectory={data}"];
        Assert.Equal(0, await AdminCommands.RunAsync(Args("alice"), new StringReader(""), new StringWriter()));
        var output = new StringWriter();

        var exit = await AdminCommands.RunAsync(Args("mallory"), new StringReader(""), output);

        Assert.Equal(1, exit);
        Assert.Contains("belongs to another user", output.ToString(), StringComparison.Ordinal);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(data, recursive: true);
    }
}
