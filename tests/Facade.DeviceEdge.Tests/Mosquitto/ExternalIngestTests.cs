using System.Net;
using System.Text;
using Facade.DeviceEdge.Broker;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet.Protocol;

namespace Facade.DeviceEdge.Tests.Mosquitto;

/// <summary>
/// In External mode the edge is mosquitto's client: what devices publish reaches the same handlers as on the embedded
/// broker (acknowledged to mosquitto only after them), and <see cref="IDeviceChannel"/> reaches devices through it.
/// </summary>
public sealed class ExternalIngestTests(MosquittoFixture fixture) : IClassFixture<MosquittoFixture>
{
    [Fact]
    public async Task Telemetry_ReachesTheHandlers_ThroughTheService()
    {
        var device = await fixture.ProvisionAsync();
        using var client = await fixture.ConnectAsync(device);

        await client.PublishAsync($"devices/{device.Id}/telemetry", """{"metrics":{"temperature":21.5}}""", cancellationToken: TestContext.Current.CancellationToken);
        var message = await fixture.Events.MessageAsync(m => m.DeviceId == device.Id && m.Kind == DeviceTopicKind.Telemetry);

        Assert.Equal("""{"metrics":{"temperature":21.5}}""", Encoding.UTF8.GetString(message.Payload.Span));
        Assert.Equal(1, message.Qos);
        Assert.False(message.Retain);
        Assert.Null(message.Connection);
    }

    [Fact]
    public async Task CommandAck_CarriesTheCommandId()
    {
        var device = await fixture.ProvisionAsync();
        using var client = await fixture.ConnectAsync(device);

        await client.PublishAsync($"devices/{device.Id}/commands/cmd-42/ack", """{"status":"ok"}""", cancellationToken: TestContext.Current.CancellationToken);
        var ack = await fixture.Events.MessageAsync(m => m.DeviceId == device.Id && m.Kind == DeviceTopicKind.CommandAck);

        Assert.Equal("cmd-42", ack.CommandId);
    }

    [Fact]
    public async Task AFailingHandler_GetsTheMessageAgain_AfterTheServiceReconnects()
    {
        var device = await fixture.ProvisionAsync();
        using var client = await fixture.ConnectAsync(device);
        var payload = FailOnceHandler.Marker + Guid.NewGuid();

        await client.PublishAsync($"devices/{device.Id}/telemetry", payload, cancellationToken: TestContext.Current.CancellationToken);
        var message = await fixture.Events.MessageAsync(m => m.DeviceId == device.Id && Encoding.UTF8.GetString(m.Payload.Span) == payload);

        Assert.Equal(2, fixture.FailOnce.Attempts(payload));
        Assert.Single(fixture.Events.Messages(device.Id), m => m.Kind == DeviceTopicKind.Telemetry);
        Assert.Contains(fixture.Host.Logs.Entries, e => e.Message.StartsWith("A handler failed for a Telemetry message of device " + device.Id, StringComparison.Ordinal));
        Assert.Equal(DeviceTopicKind.Telemetry, message.Kind);
    }

    [Fact]
    public async Task Channel_PublishesCommandsAndTheRetainedDesiredShadow_ToTheDevice()
    {
        var device = await fixture.ProvisionAsync();
        using var client = await fixture.ConnectAsync(device);
        await client.SubscribeAsync(DeviceTopics.AllCommands(device.Id), TestContext.Current.CancellationToken);
        var channel = fixture.Host.Services.GetRequiredService<IDeviceChannel>();

        await channel.PublishAsync(DeviceTopics.ShadowDesired(device.Id), """{"version":1,"state":{"reportingIntervalSeconds":5}}"""u8.ToArray(), 1, retain: true,
            TestContext.Current.CancellationToken);
        await channel.PublishAsync(DeviceTopics.Command(device.Id, "reboot-1"), """{"name":"reboot"}"""u8.ToArray(), 1, retain: false, TestContext.Current.CancellationToken);

        var command = await client.ReceiveAsync(TestContext.Current.CancellationToken);
        Assert.Equal($"devices/{device.Id}/commands/reboot-1", command.Topic);
        Assert.Equal("""{"name":"reboot"}""", command.Payload);
        await client.SubscribeAsync(DeviceTopics.ShadowDesired(device.Id), TestContext.Current.CancellationToken);
        var desired = await client.ReceiveAsync(TestContext.Current.CancellationToken);
        Assert.Equal($"devices/{device.Id}/shadow/desired", desired.Topic);
        Assert.Equal("""{"version":1,"state":{"reportingIntervalSeconds":5}}""", desired.Payload);
    }

    [Theory]
    [InlineData("devices/some-device/telemetry")]
    [InlineData("devices/+/commands/c1")]
    [InlineData("#")]
    public async Task Channel_RefusesTopicsNoDeviceReceives(string topic)
    {
        var channel = fixture.Host.Services.GetRequiredService<IDeviceChannel>();

        await Assert.ThrowsAsync<ArgumentException>(() => channel.PublishAsync(topic, "{}"u8.ToArray(), 1, retain: false, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Status_ComesFromStatusMessagesAndTheLastWill()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner);
        var client = await fixture.ConnectAsync(device, o => o.WithWillTopic($"devices/{device.Id}/status").WithWillPayload("offline").WithWillRetain()
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));

        await client.PublishAsync($"devices/{device.Id}/status", "online", retain: true, cancellationToken: TestContext.Current.CancellationToken);
        await fixture.Events.StatusAsync(device.Id, online: true);
        using var rest = fixture.Client(owner);
        var (status, json) = await rest.SendJsonAsync(HttpMethod.Get, $"devices/{device.Id}");
        client.Dispose(); // Gone without a DISCONNECT: mosquitto publishes the will.
        await fixture.Events.StatusAsync(device.Id, online: false);

        Assert.Equal(HttpStatusCode.OK, status);
        var view = json.GetProperty("status");
        Assert.True(view.GetProperty("online").GetBoolean());
        Assert.Equal("online", view.Text("lastReported"));
    }
}
