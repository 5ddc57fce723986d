using Facade.DeviceEdge.Admin;
using MQTTnet;

namespace Facade.DeviceEdge.Tests.Mosquitto;

/// <summary>
/// The admin CLI changes the registry without the service: in External mode it writes mosquitto's files itself and
/// signals mosquitto, so a device it provisions connects (and one it deletes is refused) without waiting for the
/// running service's next resync.
/// </summary>
public sealed class MosquittoAdminTests(MosquittoFixture fixture) : IClassFixture<MosquittoFixture>
{
    [Fact]
    public async Task ProvisionAndDelete_ReachMosquitto_WithoutTheService()
    {
        var id = DeviceEdgeFixture.NewDeviceId();
        var output = new StringWriter();

        Assert.Equal(0, await RunAsync(["devices", "provision", id, "--owner", DeviceEdgeFixture.NewUser(), "--name", "Boiler", "--type", "thermometer"], output));
        var secret = output.ToString().TrimEnd().Split('\n')[^1];
        Assert.Equal(MqttClientConnectResultCode.Success, await fixture.ConnectUntilAsync(id, secret, MqttClientConnectResultCode.Success));

        Assert.Equal(0, await RunAsync(["devices", "delete", id], new StringWriter()));
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await fixture.ConnectUntilAsync(id, secret, MqttClientConnectResultCode.NotAuthorized));
        Assert.DoesNotContain(fixture.ServicePassword, output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MosquittoSync_RepairsHandEditedFiles()
    {
        var device = await fixture.ProvisionAsync();
        var passwd = Path.Combine(fixture.Broker.Directory, "passwd");
        var written = await File.ReadAllTextAsync(passwd, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(passwd, written + "intruder:$7$101$AAAAAAAAAAAAAAAA$AAAA\n", TestContext.Current.CancellationToken);

        Assert.Equal(0, await RunAsync(["devices", "mosquitto-sync"], new StringWriter()));

        Assert.Equal(written, await File.ReadAllTextAsync(passwd, TestContext.Current.CancellationToken));
        Assert.Equal(MqttClientConnectResultCode.Success, await fixture.ConnectUntilAsync(device.Id, device.Secret, MqttClientConnectResultCode.Success));
    }

    /// <summary>The CLI over the running service's database and configuration (as an operator runs it beside the service).</summary>
    private Task<int> RunAsync(string[] command, TextWriter output) => AdminCommands.RunAsync(
        [.. command, "--environment=Development", DeviceEdgeFixture.IssuerArgument, $"--DeviceEdge:DataDirectory={fixture.Host.DataDirectory}",
            .. fixture.ExternalSettings().Select(s => $"--{s.Key}={s.Value}")],
        new StringReader(""), output);
}
