using System.Net;
using System.Text.Json;
using Facade.Testing;
using MQTTnet;
using MQTTnet.Formatter;

namespace Facade.DeviceEdge.Tests.Status;

/// <summary>Online/offline from connects, disconnects, status messages and last wills; last seen; connection info; the fleet summary.</summary>
public sealed class DeviceStatusTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    [Fact]
    public async Task Connect_MakesTheDeviceOnline_WithConnectionInfo()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        var (client, _) = await TestDevice.ConnectAsync(fixture.Host.MqttPort, device.Id, device.Secret, version: MqttProtocolVersion.V311,
            cancellationToken: TestContext.Current.CancellationToken);
        using (client)
        {
            await fixture.Events.StatusAsync(device.Id, online: true);

            var status = await StatusAsync(owner, device.Id);

            Assert.True(status.GetProperty("online").GetBoolean());
            Assert.NotEqual(JsonValueKind.Null, status.GetProperty("since").ValueKind);
            Assert.NotEqual(JsonValueKind.Null, status.GetProperty("lastSeen").ValueKind);
            var connection = status.GetProperty("connection");
            Assert.StartsWith("127.0.0.1:", connection.Text("clientAddress"), StringComparison.Ordinal);
            Assert.Equal("3.1.1", connection.Text("protocolVersion"));
        }
    }

    [Fact]
    public async Task CleanDisconnect_MakesTheDeviceOffline()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        using var client = await fixture.ConnectAsync(device);
        await fixture.Events.StatusAsync(device.Id, online: true);

        await client.DisconnectAsync(TestContext.Current.CancellationToken);
        var change = await fixture.Events.StatusAsync(device.Id, online: false);

        Assert.Equal(Facade.DeviceEdge.Status.StatusReason.Disconnected, change.Reason);
        var status = await StatusAsync(owner, device.Id);
        Assert.False(status.GetProperty("online").GetBoolean());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("connection").ValueKind);
        Assert.Equal(JsonValueKind.Null, status.GetProperty("lastReported").ValueKind);
    }

    [Fact]
    public async Task AbruptDisconnect_PublishesTheLastWill_AndTheDeviceIsOffline()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        var client = await fixture.ConnectAsync(device, o => o.WithWillTopic($"devices/{device.Id}/status").WithWillPayload("""{"state":"offline"}"""));
        await client.PublishAsync($"devices/{device.Id}/status", "online", retain: true, cancellationToken: TestContext.Current.CancellationToken);
        await fixture.Events.MessageAsync(m => m.DeviceId == device.Id && m.Payload.Length == 6);

        client.Dispose(); // no DISCONNECT packet: the broker publishes the will
        var will = await fixture.Events.MessageAsync(m => m.DeviceId == device.Id && m.Kind == Facade.DeviceEdge.Broker.DeviceTopicKind.Status && m.Payload.Length > 6);
        await fixture.Events.StatusAsync(device.Id, online: false);

        Assert.Equal("""{"state":"offline"}""", System.Text.Encoding.UTF8.GetString(will.Payload.Span));
        var status = await StatusAsync(owner, device.Id);
        Assert.False(status.GetProperty("online").GetBoolean());
        Assert.Equal("offline", status.Text("lastReported"));
    }

    [Fact]
    public async Task StatusMessages_SetTheReportedState()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        using var client = await fixture.ConnectAsync(device);
        await fixture.Events.StatusAsync(device.Id, online: true);

        await client.PublishAsync($"devices/{device.Id}/status", "OFFLINE", cancellationToken: TestContext.Current.CancellationToken);
        var offline = await fixture.Events.StatusAsync(device.Id, online: false);
        await client.PublishAsync($"devices/{device.Id}/status", """{"state":"online"}""", cancellationToken: TestContext.Current.CancellationToken);
        await client.PublishAsync($"devices/{device.Id}/status", "rebooting", cancellationToken: TestContext.Current.CancellationToken);
        await fixture.Events.MessageAsync(m => m.DeviceId == device.Id && m.Payload.Length == "rebooting".Length);

        Assert.Equal(Facade.DeviceEdge.Status.StatusReason.Reported, offline.Reason);
        var status = await StatusAsync(owner, device.Id);
        Assert.True(status.GetProperty("online").GetBoolean());
        Assert.Equal("online", status.Text("lastReported"));
    }

    [Fact]
    public async Task Messages_MoveLastSeen()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        using var client = await fixture.ConnectAsync(device);
        await fixture.Events.StatusAsync(device.Id, online: true);
        var before = (await StatusAsync(owner, device.Id)).GetProperty("lastSeen").GetDateTimeOffset();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        DateTimeOffset after;
        do
        {
            Assert.True(DateTime.UtcNow < deadline, "lastSeen never moved");
            await client.PublishAsync($"devices/{device.Id}/telemetry", "{}", cancellationToken: TestContext.Current.CancellationToken);
            after = (await StatusAsync(owner, device.Id)).GetProperty("lastSeen").GetDateTimeOffset();
        }
        while (after <= before);
    }

    [Fact]
    public async Task Summary_CountsTheCallersFleet()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var online = await fixture.ProvisionAsync(owner);
        await fixture.ProvisionAsync(owner);
        var sharedOwner = DeviceEdgeFixture.NewUser();
        var shared = await fixture.ProvisionAsync(sharedOwner);
        using (var sharer = fixture.Client(sharedOwner))
        {
            await sharer.SendJsonAsync(HttpMethod.Put, $"devices/{shared.Id}/shares/{owner}", """{"access":"read"}""");
        }

        using var client = await fixture.ConnectAsync(online);
        await fixture.Events.StatusAsync(online.Id, online: true);
        using var http = fixture.Client(owner, "devices:read");

        var (status, summary) = await http.SendJsonAsync(HttpMethod.Get, "devices/summary");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, summary.GetProperty("total").GetInt32());
        Assert.Equal(1, summary.GetProperty("online").GetInt32());
        Assert.Equal(0, summary.GetProperty("withActiveAlerts").GetInt32());
        Assert.NotEqual(JsonValueKind.Null, summary.GetProperty("lastUpdate").ValueKind);
    }

    private async Task<JsonElement> StatusAsync(string owner, string deviceId)
    {
        using var http = fixture.Client(owner, "devices:read");
        var (status, json) = await http.SendJsonAsync(HttpMethod.Get, $"devices/{deviceId}");
        Assert.Equal(HttpStatusCode.OK, status);
        return json.GetProperty("status");
    }
}
