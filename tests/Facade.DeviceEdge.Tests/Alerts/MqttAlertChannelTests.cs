using System.Text;
using Facade.DeviceEdge.Broker;
using Facade.Testing;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Protocol;
using static Facade.DeviceEdge.Tests.Alerts.AlertTesting;

namespace Facade.DeviceEdge.Tests.Alerts;

/// <summary>
/// The mqtt channel: notifications are published on the rule's <c>alerts/…</c> topic of the embedded broker, where an
/// alert subscriber account (<c>DeviceEdge:Mqtt:AlertSubscribers</c>) receives them. Subscriber accounts can subscribe
/// under <c>alerts/</c> only and publish nothing; devices cannot subscribe there.
/// </summary>
public sealed class MqttAlertChannelTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>, IAsyncLifetime
{
    private const string Subscriber = "alerts.reader";
    private const string SubscriberSecret = "alerts-reader-secret-0123456789abcdef";
    private DeviceEdgeHost _host = null!;

    public ValueTask InitializeAsync()
    {
        _host = DeviceEdgeHost.Start(fixture.Issuer.BaseUrl, new Dictionary<string, string?>
        {
            ["DeviceEdge:Mqtt:AlertSubscribers:0:Username"] = Subscriber,
            ["DeviceEdge:Mqtt:AlertSubscribers:0:Secret"] = SubscriberSecret,
        });
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task DeviceTelemetry_FiresAnAlert_ThatTheSubscriberReceives_AndItsResolution()
    {
        var ct = TestContext.Current.CancellationToken;
        var owner = DeviceEdgeFixture.NewUser();
        using var client = fixture.Client(owner, RulesReadWrite, _host);
        var device = await ProvisionAsync(fixture, _host, owner, "boiler");
        var rule = await CreateRuleAsync(client, Rule("""{"type":"boiler"}""", channel: """{"type":"mqtt","topic":"alerts/site-1/boilers"}"""));
        using var subscriber = await ConnectSubscriberAsync();
        var subscribed = await subscriber.SubscribeAsync("alerts/#", ct);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, Assert.Single(subscribed.Items).ResultCode);
        using var sensor = await fixture.ConnectAsync(device, host: _host);

        await sensor.PublishAsync($"devices/{device.Id}/telemetry", """{"metrics":{"temperature":42.5,"humidity":40}}""", cancellationToken: ct);
        var fired = await subscriber.ReceiveAsync(ct);
        await sensor.PublishAsync($"devices/{device.Id}/telemetry", """{"metrics":{"temperature":12}}""", cancellationToken: ct);
        var resolved = await subscriber.ReceiveAsync(ct);

        Assert.Equal("alerts/site-1/boilers", fired.Topic);
        var body = System.Text.Json.JsonDocument.Parse(fired.Payload).RootElement;
        Assert.Equal("fired", body.Text("event"));
        Assert.Equal((device.Id, 42.5), (body.GetProperty("alert").Text("deviceId"), body.GetProperty("alert").GetProperty("value").GetDouble()));
        Assert.Equal((rule.Text("id"), owner), (body.GetProperty("rule").Text("id"), body.GetProperty("rule").Text("owner")));
        Assert.Equal("resolved", System.Text.Json.JsonDocument.Parse(resolved.Payload).RootElement.Text("event"));
    }

    [Fact]
    public async Task Subscriber_MayNotSubscribeOutsideAlerts_NorPublish()
    {
        var ct = TestContext.Current.CancellationToken;
        using var subscriber = await ConnectSubscriberAsync();

        foreach (var filter in new[] { "#", "devices/#", "+/+/commands/+", "$SYS/#", "alert/x", "+/site-1/boilers" })
        {
            var result = await subscriber.SubscribeAsync(filter, ct);
            Assert.True(Assert.Single(result.Items).ResultCode == MqttClientSubscribeResultCode.NotAuthorized, filter);
        }

        var published = await subscriber.PublishAsync("alerts/site-1/boilers", """{"event":"fired"}""", cancellationToken: ct);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, published.ReasonCode);
    }

    [Theory]
    [InlineData(SubscriberSecret + "x", Subscriber, MqttClientConnectResultCode.BadUserNameOrPassword)]
    [InlineData("", Subscriber, MqttClientConnectResultCode.BadUserNameOrPassword)]
    [InlineData(SubscriberSecret, "some-device-id", MqttClientConnectResultCode.ClientIdentifierNotValid)]
    public async Task Subscriber_WithWrongSecretOrClientId_IsRefused(string secret, string clientId, MqttClientConnectResultCode expected)
    {
        var (connection, result) = await TestDevice.ConnectAsync(_host.MqttPort, Subscriber, secret, clientId, cancellationToken: TestContext.Current.CancellationToken);
        using (connection)
        {
            Assert.Equal(expected, result.ResultCode);
        }

        Assert.DoesNotContain(SubscriberSecret, _host.Logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Device_MayNotSubscribeToAlerts()
    {
        var device = await fixture.ProvisionAsync(DeviceEdgeFixture.NewUser(), host: _host);
        using var connection = await fixture.ConnectAsync(device, host: _host);

        var result = await connection.SubscribeAsync("alerts/#", TestContext.Current.CancellationToken);

        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, Assert.Single(result.Items).ResultCode);
    }

    [Theory]
    [InlineData("devices/some-device/commands/c1")]
    [InlineData("alerts/#")]
    [InlineData("alerts")]
    [InlineData("#")]
    public async Task AlertChannel_RefusesAnythingButAnAlertTopic(string topic)
    {
        var channel = _host.Services.GetRequiredService<IAlertChannel>();

        await Assert.ThrowsAsync<ArgumentException>(() => channel.PublishAsync(topic, Encoding.UTF8.GetBytes("{}"), TestContext.Current.CancellationToken));
    }

    private async Task<TestDevice> ConnectSubscriberAsync()
    {
        var (subscriber, result) = await TestDevice.ConnectAsync(_host.MqttPort, Subscriber, SubscriberSecret, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        return subscriber;
    }
}
