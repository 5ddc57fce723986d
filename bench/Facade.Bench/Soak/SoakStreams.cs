using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Facade.Bench.Load;

namespace Facade.Bench.Soak;

/// <summary>The four kinds of load of the soak, each paced by a timer and counted in <see cref="SoakCounters"/>.</summary>
internal static class SoakStreams
{
    /// <summary>One request at a time, every <paramref name="interval"/>; a non-2xx answer or an MCP error result is an error.</summary>
    public static async Task HttpAsync(string stream, HttpClient http, RequestSpec spec, TimeSpan interval, SoakCounters counters, Action ok,
        CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval);
        while (await TickAsync(timer, stop))
        {
            try
            {
                using var request = ToRequest(spec);
                using var response = await http.SendAsync(request, stop);
                var body = await response.Content.ReadAsStringAsync(stop);
                if (!response.IsSuccessStatusCode)
                {
                    counters.Error(stream, $"HTTP {(int)response.StatusCode}: {Shorten(body)}");
                }
                else if (body.Contains("\"isError\":true", StringComparison.Ordinal) || body.Contains("\"error\":{", StringComparison.Ordinal))
                {
                    counters.Error(stream, $"error result: {Shorten(body)}");
                }
                else
                {
                    ok();
                }
            }
            catch (Exception exception) when (!stop.IsCancellationRequested)
            {
                counters.Error(stream, $"{exception.GetType().Name}: {exception.Message}");
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// A device publishing telemetry at QoS 1, each message with a newer timestamp; <paramref name="acked"/> counts
    /// the PUBACKs (the device edge acknowledges once the message is stored). A lost connection is an error and ends
    /// this device's stream.
    /// </summary>
    public static async Task DeviceAsync(MqttWire device, string deviceId, TimeSpan interval, long[] acked, int index, SoakCounters counters,
        CancellationToken stop)
    {
        var topic = Encoding.UTF8.GetBytes($"devices/{deviceId}/telemetry");
        using var timer = new PeriodicTimer(interval);
        long sequence = 0, lastTs = 0;
        ushort packetId = 0;
        while (await TickAsync(timer, stop))
        {
            var ts = Math.Max(lastTs + 1, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            lastTs = ts;
            packetId = (ushort)(packetId == ushort.MaxValue ? 1 : packetId + 1);
            try
            {
                var reason = await device.PublishAtLeastOnceAsync(topic, packetId, destination => MqttFleet.WritePayload(destination, ts, sequence));
                sequence++;
                if (reason == 0)
                {
                    Interlocked.Increment(ref acked[index]);
                }
                else
                {
                    counters.Error("mqtt", $"{deviceId}: PUBACK reason {reason}");
                }
            }
            catch (Exception exception) when (exception is IOException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                counters.Error("mqtt", $"{deviceId}: {exception.GetType().Name}: {exception.Message}");
                return;
            }
        }
    }

    /// <summary>Counts the telemetry events of a subscribed socket; a socket the edge closes during the run is an error.</summary>
    public static async Task SubscriberAsync(ClientWebSocket socket, long[] events, int index, SoakCounters counters, CancellationToken stop)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, stop);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    counters.Error("realtime", $"the edge closed a socket ({socket.CloseStatus} {socket.CloseStatusDescription})");
                    return;
                }

                using var message = JsonDocument.Parse(buffer.AsMemory(0, result.Count));
                if (message.RootElement.GetProperty("type").GetString() == "event")
                {
                    Interlocked.Increment(ref events[index]);
                }
            }
        }
        catch (Exception exception) when (stop.IsCancellationRequested && exception is OperationCanceledException or WebSocketException)
        {
        }
        catch (Exception exception) when (exception is WebSocketException or JsonException)
        {
            counters.Error("realtime", $"{exception.GetType().Name}: {exception.Message}");
        }
    }

    private static async Task<bool> TickAsync(PeriodicTimer timer, CancellationToken stop)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stop);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static HttpRequestMessage ToRequest(RequestSpec spec)
    {
        var request = new HttpRequestMessage(new HttpMethod(spec.Method), spec.Path.TrimStart('/'));
        if (spec.Body is not null)
        {
            request.Content = new StringContent(spec.Body, Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in spec.Headers)
        {
            if (!name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return request;
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
