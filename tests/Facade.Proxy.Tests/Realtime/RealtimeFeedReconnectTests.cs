using Facade.Testing;

namespace Facade.Proxy.Tests.Realtime;

/// <summary>
/// The device edge restarts: the edge's feed reader reconnects with backoff and events flow again to subscriptions
/// made before the restart; while it is down the health check says so and subscribing still works (checked over REST
/// once it is back).
/// </summary>
public sealed class RealtimeFeedReconnectTests : IAsyncLifetime
{
    private readonly RealtimeFixture _fixture = new();

    public ValueTask InitializeAsync() => _fixture.InitializeAsync();

    public ValueTask DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task DeviceEdgeRestart_TheFeedReconnects_AndEventsResume()
    {
        var ct = TestContext.Current.CancellationToken;
        var owner = await _fixture.CreateUserAsync();
        var (id, secret, device) = await _fixture.ProvisionAsync(owner, connect: false);
        await using var client = await _fixture.ConnectAsync(await _fixture.TokenAsync(owner, "telemetry:read"));
        await client.SubscribeOkAsync($"devices/{id}/telemetry");

        var devices = _fixture.Devices;
        var port = devices.BaseUrl.Port;
        devices.KeepData = true;
        await devices.DisposeAsync();
        using (var http = _fixture.Edge.CreateHttpClient())
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (_fixture.Feed.Connected)
            {
                Assert.True(DateTime.UtcNow < deadline, "The feed reader did not notice the device edge going away.");
                await Task.Delay(50, ct);
            }

            var health = await http.GetStringAsync("healthz", ct);
            Assert.Equal("Degraded", health);
        }

        await using var restarted = DeviceEdgeHost.Start(_fixture.Edge.BaseUrl, port: port, dataDirectory: devices.DataDirectory);
        await _fixture.WaitForFeedAsync(2);
        using var connected = (await TestDevice.ConnectAsync(restarted.MqttPort, id, secret, cancellationToken: ct)).Device;

        await RealtimeFixture.PublishTelemetryAsync(connected, """{"voltage":3.3}""");
        var received = await client.ReceiveTypeAsync("event");

        Assert.Equal(3.3, received.GetProperty("data").GetProperty("metrics").GetProperty("voltage").GetDouble());
        Assert.Null(device);
    }
}
