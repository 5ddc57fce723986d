using System.Net.Sockets;
using System.Net.WebSockets;

namespace Facade.Proxy.Tests.Realtime;

/// <summary>A send buffer of 8 messages, so a client that stops reading overflows it quickly.</summary>
public sealed class SlowConsumerFixture : RealtimeFixture
{
    public const int Buffer = 8;

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Facade:Realtime:SendBufferMessages"] = Buffer.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings["Facade:Realtime:HeartbeatInterval"] = "00:00:30";
            return settings;
        }
    }
}

/// <summary>
/// A client that never reads while events are pumped at it is closed with 4408 <c>slow_consumer</c>, and the server
/// never holds more than the configured number of messages for it.
/// </summary>
public sealed class RealtimeSlowConsumerTests(SlowConsumerFixture fixture) : IClassFixture<SlowConsumerFixture>
{
    [Fact]
    public async Task AClientThatNeverReads_IsClosed4408_WithBoundedMemory()
    {
        var ct = TestContext.Current.CancellationToken;
        var owner = await fixture.CreateUserAsync();
        var (id, _, device) = await fixture.ProvisionAsync(owner);
        using var connectedDevice = device;

        // A small receive window on the client, so the socket buffers between the two fill quickly.
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            ConnectCallback = async (context, token) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096, NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, token);
                return new NetworkStream(socket, ownsSocket: true);
            },
        });
        var token = await fixture.TokenAsync(owner, "telemetry:read");
        await using var client = await RealtimeClient.ConnectAsync(fixture.WebSocketUrl, o => o.SetRequestHeader("Authorization", "Bearer " + token), invoker);
        await client.ReceiveTypeAsync("welcome");
        await client.SubscribeOkAsync($"devices/{id}/telemetry");
        var closedBefore = fixture.Hub.SlowConsumersClosed;

        // Pump real telemetry (60 metrics, about 3 KB an event) and read nothing until the server gives up on the client.
        var metrics = "{" + string.Join(",", Enumerable.Range(0, 60).Select(i => $"\"a_rather_long_sensor_name_number_{i:D3}\":{i}.25")) + "}";
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (fixture.Hub.SlowConsumersClosed == closedBefore)
        {
            Assert.True(DateTime.UtcNow < deadline, $"No slow consumer was closed; peak buffer {fixture.Hub.PeakBufferedMessages}.");
            await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => device!.PublishAsync($"devices/{id}/telemetry", $$"""{"metrics":{{metrics}}}""",
                MQTTnet.Protocol.MqttQualityOfServiceLevel.AtMostOnce, cancellationToken: ct)));
        }

        Assert.InRange(fixture.Hub.PeakBufferedMessages, 1, SlowConsumerFixture.Buffer);

        // Reading again, the client gets what was in flight, then the close.
        Assert.Equal((WebSocketCloseStatus)4408, await client.ReceiveCloseAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal("slow_consumer", client.Socket.CloseStatusDescription);
    }
}
