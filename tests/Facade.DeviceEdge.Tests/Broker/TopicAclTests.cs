using Facade.Testing;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Facade.DeviceEdge.Tests.Broker;

/// <summary>
/// A device publishes and subscribes only on its own topics (docs/architecture.md: MQTT topics). Every escape is refused
/// with NotAuthorized and logged with a fixed message, never the payload.
/// </summary>
public sealed class TopicAclTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    public static TheoryData<string> ForbiddenPublishTopics => new()
    {
        "devices/{other}/telemetry",
        "devices/{other}/status",
        "devices/{other}/commands/c1/ack",
        "devices/{other}/shadow/reported",
        "devices/{self}/commands/c1",
        "devices/{self}/shadow/desired",
        "devices/{self}/telemetry/extra",
        "devices/{self}",
        "devices/{self}/commands/c1/ack/more",
        "agents/{self}/inbox",
        "$SYS/broker/clients",
        "telemetry",
        "devices//telemetry",
    };

    public static TheoryData<string> ForbiddenFilters => new()
    {
        "#",
        "+/#",
        "devices/#",
        "devices/+/telemetry",
        "devices/+/commands/+",
        "devices/{self}/#",
        "devices/{self}/+",
        "devices/{self}/commands/#",
        "devices/{self}/telemetry",
        "devices/{self}/status",
        "devices/{self}/shadow/reported",
        "devices/{self}/shadow/+",
        "devices/{other}/commands/+",
        "devices/{other}/shadow/desired",
        "$SYS/#",
        "+/+/+",
    };

    [Theory]
    [InlineData("devices/{self}/telemetry", false)]
    [InlineData("devices/{self}/status", true)]
    [InlineData("devices/{self}/commands/cmd-1/ack", false)]
    [InlineData("devices/{self}/shadow/reported", false)]
    public async Task OwnTopics_ArePublished(string topic, bool retain)
    {
        var (device, other) = await TwoDevicesAsync();
        using var client = await fixture.ConnectAsync(device);

        var result = await client.PublishAsync(Expand(topic, device.Id, other.Id), """{"metrics":{"temperature":21.5}}""", retain: retain, cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(result.IsSuccess, result.ReasonCode.ToString());
        Assert.Equal(MqttClientPublishReasonCode.Success, result.ReasonCode);
    }

    [Theory]
    [MemberData(nameof(ForbiddenPublishTopics))]
    public async Task OtherTopics_AreRefused(string topic)
    {
        var (device, other) = await TwoDevicesAsync();
        using var client = await fixture.ConnectAsync(device);
        var expanded = Expand(topic, device.Id, other.Id);

        var result = await client.PublishAsync(expanded, "secret-payload-" + device.Id, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, result.ReasonCode);
        Assert.True(client.IsConnected);
        Assert.Contains(fixture.Host.Logs.Entries, e => e.Message.StartsWith($"Publish refused: client {device.Id} on topic {expanded} (", StringComparison.Ordinal));
        Assert.DoesNotContain("secret-payload-" + device.Id, fixture.Host.Logs.Text, StringComparison.Ordinal);
        Assert.Empty(fixture.Events.Messages(other.Id));
    }

    [Fact]
    public async Task RetainedTelemetry_IsRefused()
    {
        var (device, _) = await TwoDevicesAsync();
        using var client = await fixture.ConnectAsync(device);

        var result = await client.PublishAsync($"devices/{device.Id}/telemetry", "{}", retain: true, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, result.ReasonCode);
    }

    [Theory]
    [InlineData("devices/{self}/commands/+")]
    [InlineData("devices/{self}/commands/cmd-7")]
    [InlineData("devices/{self}/shadow/desired")]
    public async Task OwnCommandAndDesiredTopics_CanBeSubscribed(string filter)
    {
        var (device, other) = await TwoDevicesAsync();
        using var client = await fixture.ConnectAsync(device);

        var result = await client.SubscribeAsync(Expand(filter, device.Id, other.Id), TestContext.Current.CancellationToken);

        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, Assert.Single(result.Items).ResultCode);
    }

    [Theory]
    [MemberData(nameof(ForbiddenFilters))]
    public async Task OtherFilters_AreRefused(string filter)
    {
        var (device, other) = await TwoDevicesAsync();
        using var client = await fixture.ConnectAsync(device);
        var expanded = Expand(filter, device.Id, other.Id);

        var result = await client.SubscribeAsync(expanded, TestContext.Current.CancellationToken);

        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, Assert.Single(result.Items).ResultCode);
        Assert.Contains(fixture.Host.Logs.Entries, e => e.Message.StartsWith($"Subscription refused: client {device.Id} to {expanded} (", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("$share/g/devices/{other}/telemetry")]
    [InlineData("$share/g/devices/{self}/commands/+")]
    public async Task SharedSubscriptions_AreRefused(string filter)
    {
        var (device, other) = await TwoDevicesAsync();
        using var client = await fixture.ConnectAsync(device);

        var result = await client.SubscribeAsync(Expand(filter, device.Id, other.Id), TestContext.Current.CancellationToken);

        // MQTTnet answers these itself, before any interceptor runs.
        Assert.Equal(MqttClientSubscribeResultCode.SharedSubscriptionsNotSupported, Assert.Single(result.Items).ResultCode);
    }

    [Fact]
    public async Task Mqtt311Device_GetsAFailureReturnCode()
    {
        var (device, _) = await TwoDevicesAsync();
        var (client, result) = await TestDevice.ConnectAsync(fixture.Host.MqttPort, device.Id, device.Secret, version: MqttProtocolVersion.V311,
            cancellationToken: TestContext.Current.CancellationToken);
        using (client)
        {
            Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);

            var refused = await client.SubscribeAsync("#", TestContext.Current.CancellationToken);

            Assert.Equal(MqttClientSubscribeResultCode.UnspecifiedError, Assert.Single(refused.Items).ResultCode);
        }
    }

    [Fact]
    public async Task LastWillOnAnotherDevicesTopic_IsRefused()
    {
        var (device, other) = await TwoDevicesAsync();
        var client = await fixture.ConnectAsync(device, o => o.WithWillTopic($"devices/{other.Id}/status").WithWillPayload("offline"));

        client.Dispose();
        await fixture.Events.StatusAsync(device.Id, online: false);

        await WaitForLogAsync($"Publish refused: client {device.Id} on topic devices/{other.Id}/status (OtherDevice)");
        Assert.Empty(fixture.Events.Messages(other.Id));
    }

    private async Task WaitForLogAsync(string message)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!fixture.Host.Logs.Entries.Any(e => e.Message == message))
        {
            Assert.True(DateTime.UtcNow < deadline, $"No log line '{message}'.");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    private async Task<(Provisioned Device, Provisioned Other)> TwoDevicesAsync() =>
        (await fixture.ProvisionAsync(DeviceEdgeFixture.NewUser()), await fixture.ProvisionAsync(DeviceEdgeFixture.NewUser()));

    private static string Expand(string topic, string self, string other) =>
        topic.Replace("{self}", self, StringComparison.Ordinal).Replace("{other}", other, StringComparison.Ordinal);
}
