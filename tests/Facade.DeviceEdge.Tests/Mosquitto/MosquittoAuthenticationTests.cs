using System.Net;
using MQTTnet;

namespace Facade.DeviceEdge.Tests.Mosquitto;

/// <summary>
/// With an external mosquitto, devices sign in with the same id and secret as on the embedded broker: mosquitto checks
/// them against the password file the edge writes from the registry, kept current on provisioning, rotation and delete.
/// </summary>
public sealed class MosquittoAuthenticationTests(MosquittoFixture fixture) : IClassFixture<MosquittoFixture>
{
    [Fact]
    public async Task Device_ConnectsThroughMosquitto_WithItsSecret()
    {
        var device = await fixture.ProvisionAsync();

        var (client, result) = await fixture.ConnectAsync(device.Id, device.Secret);
        using (client)
        {
            Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        }
    }

    [Fact]
    public async Task WrongSecret_UnknownDevice_AndNoSecret_AreRefused()
    {
        var device = await fixture.ProvisionAsync();
        var other = await fixture.ProvisionAsync();

        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await ResultAsync(device.Id, device.Secret[..^4] + "AAAA"));
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await ResultAsync(device.Id, other.Secret));
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await ResultAsync(DeviceEdgeFixture.NewDeviceId(), device.Secret));
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await ResultAsync(device.Id, null));
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await ResultAsync(MosquittoFixture.ServiceUser, device.Secret));
    }

    [Fact]
    public async Task TheServiceAccount_IsInThePasswordFile_OnlyAsAHash()
    {
        var passwords = await File.ReadAllTextAsync(Path.Combine(fixture.Broker.Directory, "passwd"), TestContext.Current.CancellationToken);

        Assert.StartsWith($"{MosquittoFixture.ServiceUser}:$7$101$", passwords.Split('\n').Single(l => l.StartsWith(MosquittoFixture.ServiceUser, StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.ServicePassword, passwords, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.ServicePassword, fixture.Host.Logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADeviceUsingAnotherDevicesClientId_GetsItsOwnSession()
    {
        var device = await fixture.ProvisionAsync();
        var intruder = await fixture.ProvisionAsync();
        using var connected = await fixture.ConnectAsync(device);

        // mosquitto's use_username_as_clientid: the session is keyed by the authenticated user, not the client id sent.
        var (other, result) = await fixture.ConnectAsync(intruder.Id, intruder.Secret, clientId: device.Id);
        using (other)
        {
            Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
            await connected.PublishAsync($"devices/{device.Id}/telemetry", "{}", cancellationToken: TestContext.Current.CancellationToken);
            Assert.True(connected.IsConnected);
        }
    }

    [Fact]
    public async Task DeviceProvisionedWhileRunning_CanConnect()
    {
        var device = await fixture.ProvisionAsync();

        // The REST call wrote the files and signalled mosquitto before answering; mosquitto reloads a moment later.
        Assert.Equal(MqttClientConnectResultCode.Success, await fixture.ConnectUntilAsync(device.Id, device.Secret, MqttClientConnectResultCode.Success));
        Assert.Contains($"\n{device.Id}:$7$", await File.ReadAllTextAsync(Path.Combine(fixture.Broker.Directory, "passwd"), TestContext.Current.CancellationToken),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotatedSecret_DisconnectsTheDevice_AndOnlyTheNewSecretConnects()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        using var connected = await fixture.ConnectAsync(device);
        using var client = fixture.Client(owner);

        var (status, rotated) = await client.SendJsonAsync(HttpMethod.Post, $"devices/{device.Id}/secret");
        Assert.Equal(HttpStatusCode.OK, status);
        await connected.Disconnected.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await ResultAsync(device.Id, device.Secret));
        Assert.Equal(MqttClientConnectResultCode.Success, await ResultAsync(device.Id, rotated.Text("secret")));
    }

    [Fact]
    public async Task DeletedDevice_IsDisconnected_AndCannotConnectAgain()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        using var connected = await fixture.ConnectAsync(device);
        using var client = fixture.Client(owner);

        var (status, _) = await client.SendJsonAsync(HttpMethod.Delete, $"devices/{device.Id}");
        Assert.Equal(HttpStatusCode.NoContent, status);
        await connected.Disconnected.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await ResultAsync(device.Id, device.Secret));
        Assert.DoesNotContain($"\n{device.Id}:", await File.ReadAllTextAsync(Path.Combine(fixture.Broker.Directory, "passwd"), TestContext.Current.CancellationToken),
            StringComparison.Ordinal);
    }

    private async Task<MqttClientConnectResultCode> ResultAsync(string userName, string? secret)
    {
        var (client, result) = await fixture.ConnectAsync(userName, secret);
        client.Dispose();
        return result.ResultCode;
    }
}
