using System.Net;
using Facade.Testing;
using MQTTnet;
using MQTTnet.Protocol;

namespace Facade.DeviceEdge.Tests.Registry;

/// <summary>A new secret (or deleting the device) ends the device's session at once; the old secret no longer connects.</summary>
public sealed class SecretRotationTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    [Fact]
    public async Task Rotation_DisconnectsTheDevice_AndOnlyTheNewSecretWorks()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        using var connected = await fixture.ConnectAsync(device);
        using var client = fixture.Client(owner);

        var (status, rotated) = await client.SendJsonAsync(HttpMethod.Post, $"devices/{device.Id}/secret");
        var dropped = await connected.Disconnected.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, status);
        var secret = rotated.Text("secret")!;
        Assert.NotEqual(device.Secret, secret);
        Assert.Equal(MqttClientDisconnectReason.NotAuthorized, dropped.Reason);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await ConnectAsync(device.Id, device.Secret));
        Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync(device.Id, secret));
        Assert.DoesNotContain(secret, fixture.Host.Logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_DisconnectsTheDevice_AndItCannotConnectAgain()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        using var connected = await fixture.ConnectAsync(device);
        await fixture.Events.StatusAsync(device.Id, online: true);
        using var client = fixture.Client(owner);

        var (status, _) = await client.SendJsonAsync(HttpMethod.Delete, $"devices/{device.Id}");
        await connected.Disconnected.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await ConnectAsync(device.Id, device.Secret));
    }

    private async Task<MqttClientConnectResultCode> ConnectAsync(string deviceId, string secret)
    {
        var (client, result) = await TestDevice.ConnectAsync(fixture.Host.MqttPort, deviceId, secret, cancellationToken: TestContext.Current.CancellationToken);
        client.Dispose();
        return result.ResultCode;
    }
}
