using Facade.Testing;
using MQTTnet;
using MQTTnet.Formatter;

namespace Facade.DeviceEdge.Tests.Broker;

/// <summary>Only a registered device with its own secret, under its own id, gets a session on the broker.</summary>
public sealed class DeviceAuthenticationTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task Device_ConnectsWithItsSecret(MqttProtocolVersion version)
    {
        var device = await fixture.ProvisionAsync(DeviceEdgeFixture.NewUser());

        var (client, result) = await TestDevice.ConnectAsync(fixture.Host.MqttPort, device.Id, device.Secret, version: version,
            cancellationToken: TestContext.Current.CancellationToken);
        using (client)
        {
            Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
            Assert.True(client.IsConnected);
        }
    }

    [Fact]
    public async Task WrongSecret_IsRefused_AndLoggedWithoutTheSecret()
    {
        var device = await fixture.ProvisionAsync(DeviceEdgeFixture.NewUser());
        var wrong = device.Secret[..^4] + "AAAA";

        var result = await ConnectAsync(device.Id, wrong);

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, result);
        Assert.Contains(fixture.Host.Logs.Entries, e => e.Message.Contains($"refused for user name {device.Id}", StringComparison.Ordinal)
            && e.Message.Contains("wrong secret", StringComparison.Ordinal));
        Assert.DoesNotContain(wrong, fixture.Host.Logs.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(device.Secret, fixture.Host.Logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownDevice_IsRefused()
    {
        var result = await ConnectAsync(DeviceEdgeFixture.NewDeviceId(), "fdev_" + new string('x', 43));

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, result);
    }

    [Fact]
    public async Task AnotherDevicesSecret_IsRefused()
    {
        var mine = await fixture.ProvisionAsync(DeviceEdgeFixture.NewUser());
        var theirs = await fixture.ProvisionAsync(DeviceEdgeFixture.NewUser());

        var result = await ConnectAsync(mine.Id, theirs.Secret);

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, result);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task NoSecret_IsRefused(string? secret)
    {
        var device = await fixture.ProvisionAsync(DeviceEdgeFixture.NewUser());

        var result = await ConnectAsync(device.Id, secret);

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, result);
    }

    [Theory]
    [InlineData("someone-else")]
    [InlineData("prefix-{id}")]
    [InlineData("{id}-suffix")]
    public async Task ClientIdOtherThanTheDeviceId_IsRefused(string clientId)
    {
        var device = await fixture.ProvisionAsync(DeviceEdgeFixture.NewUser());

        var (client, result) = await TestDevice.ConnectAsync(fixture.Host.MqttPort, device.Id, device.Secret,
            clientId: clientId.Replace("{id}", device.Id, StringComparison.Ordinal), cancellationToken: TestContext.Current.CancellationToken);
        client.Dispose();

        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, result.ResultCode);
    }

    [Fact]
    public async Task UserNameThatIsNoDeviceId_IsRefused_AndLoggedSafely()
    {
        var result = await ConnectAsync("../../etc\nforged log line", "whatever");

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, result);
        Assert.DoesNotContain(fixture.Host.Logs.Entries, e => e.Message.Contains("etc\nforged", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SilentConnection_IsClosedAfterTheConnectTimeout()
    {
        await using var host = fixture.StartHost(new Dictionary<string, string?> { ["DeviceEdge:Mqtt:ConnectTimeout"] = "00:00:01" }, events: new DeviceEvents());
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(System.Net.IPAddress.Loopback, host.MqttPort, TestContext.Current.CancellationToken);

        // Sends nothing: the broker must hang up on its own (the read returns 0 bytes at the end of the stream).
        var read = await socket.GetStream().ReadAsync(new byte[16], TestContext.Current.CancellationToken).AsTask()
            .WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(0, read);
    }

    private async Task<MqttClientConnectResultCode> ConnectAsync(string userName, string? secret)
    {
        var (client, result) = await TestDevice.ConnectAsync(fixture.Host.MqttPort, userName, secret, cancellationToken: TestContext.Current.CancellationToken);
        client.Dispose();
        return result.ResultCode;
    }
}
