using System.Text;
using Facade.DeviceEdge.Broker;
using Facade.Testing;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Protocol;

namespace Facade.DeviceEdge.Tests.Broker;

/// <summary>
/// The seams later features build on: every accepted device message reaches the <see cref="IDeviceMessageHandler"/>s
/// before the device gets its acknowledgement, a failing handler leaves the message unacknowledged, and
/// <see cref="IDeviceChannel"/> reaches a device on its command topic.
/// </summary>
public sealed class DeviceSeamTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    [Fact]
    public async Task Telemetry_ReachesTheHandlers_BeforeThePubAck()
    {
        var gate = new GatedHandler();
        await using var gated = DeviceEdgeHost.Start(fixture.Issuer.BaseUrl, configureServices: s => s.AddSingleton<IDeviceMessageHandler>(gate));
        var device = await fixture.ProvisionAsync(DeviceEdgeFixture.NewUser(), host: gated);
        using var client = await fixture.ConnectAsync(device, host: gated);

        var publish = client.PublishAsync($"devices/{device.Id}/telemetry", """{"metrics":{"t":1}}""", cancellationToken: TestContext.Current.CancellationToken);
        var message = await gate.Arrived.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.False(publish.IsCompleted, "The PUBACK must wait for the handler.");
        Assert.Equal(device.Id, message.DeviceId);
        Assert.Equal(DeviceTopicKind.Telemetry, message.Kind);
        Assert.Equal(1, message.Qos);
        Assert.Equal("""{"metrics":{"t":1}}""", Encoding.UTF8.GetString(message.Payload.Span));
        gate.Release.SetResult();
        Assert.Equal(MqttClientPublishReasonCode.Success, (await publish).ReasonCode);
    }

    [Fact]
    public async Task CommandAck_CarriesTheCommandId()
    {
        var device = await fixture.ProvisionAsync(DeviceEdgeFixture.NewUser());
        using var client = await fixture.ConnectAsync(device);

        await client.PublishAsync($"devices/{device.Id}/commands/cmd-42/ack", """{"ok":true}""", cancellationToken: TestContext.Current.CancellationToken);
        var ack = await fixture.Events.MessageAsync(m => m.DeviceId == device.Id && m.Kind == DeviceTopicKind.CommandAck);

        Assert.Equal("cmd-42", ack.CommandId);
    }

    [Fact]
    public async Task FailingHandler_ClosesTheConnection_WithoutAcknowledging()
    {
        await using var failing = DeviceEdgeHost.Start(fixture.Issuer.BaseUrl, configureServices: s => s.AddSingleton<IDeviceMessageHandler>(new FailingHandler()));
        var device = await fixture.ProvisionAsync(DeviceEdgeFixture.NewUser(), host: failing);
        using var client = await fixture.ConnectAsync(device, host: failing);

        var publish = client.PublishAsync($"devices/{device.Id}/telemetry", """{"metrics":{"t":1}}""", cancellationToken: TestContext.Current.CancellationToken);

        await client.Disconnected.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await Assert.ThrowsAnyAsync<Exception>(() => publish);
        Assert.Contains(failing.Logs.Entries, e => e.Message.StartsWith("A handler failed for a Telemetry message", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Channel_PublishesACommandToTheDevice()
    {
        var device = await fixture.ProvisionAsync(DeviceEdgeFixture.NewUser());
        using var client = await fixture.ConnectAsync(device);
        await client.SubscribeAsync(DeviceTopics.AllCommands(device.Id), TestContext.Current.CancellationToken);
        var channel = fixture.Host.Services.GetRequiredService<IDeviceChannel>();

        await channel.PublishAsync(DeviceTopics.Command(device.Id, "reboot-1"), Encoding.UTF8.GetBytes("""{"name":"reboot"}"""), 1, retain: false,
            TestContext.Current.CancellationToken);

        var received = await client.ReceiveAsync(TestContext.Current.CancellationToken);
        Assert.Equal($"devices/{device.Id}/commands/reboot-1", received.Topic);
        Assert.Equal("""{"name":"reboot"}""", received.Payload);
    }

    [Theory]
    [InlineData("devices/some-device/telemetry")]
    [InlineData("devices/some-device/commands/c1/ack")]
    [InlineData("devices/+/commands/c1")]
    [InlineData("#")]
    [InlineData("$SYS/broker")]
    public async Task Channel_RefusesTopicsNoDeviceReceives(string topic)
    {
        var channel = fixture.Host.Services.GetRequiredService<IDeviceChannel>();

        await Assert.ThrowsAsync<ArgumentException>(() => channel.PublishAsync(topic, "{}"u8.ToArray(), 1, retain: false, TestContext.Current.CancellationToken));
    }

    private sealed class GatedHandler : IDeviceMessageHandler
    {
        public TaskCompletionSource<DeviceMessage> Arrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Accepts(DeviceTopicKind kind) => kind == DeviceTopicKind.Telemetry;

        public async ValueTask HandleAsync(DeviceMessage message, CancellationToken cancellationToken)
        {
            Arrived.TrySetResult(message);
            await Release.Task.WaitAsync(cancellationToken);
        }
    }

    private sealed class FailingHandler : IDeviceMessageHandler
    {
        public bool Accepts(DeviceTopicKind kind) => kind == DeviceTopicKind.Telemetry;

        public ValueTask HandleAsync(DeviceMessage message, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("storage unavailable");
    }
}
