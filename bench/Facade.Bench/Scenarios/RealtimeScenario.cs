using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Facade.Bench.Load;
using Facade.Bench.Servers;

namespace Facade.Bench.Scenarios;

/// <summary>What scenario 6 measured: the edge's memory per idle authenticated socket, and the fan-out of telemetry.</summary>
internal sealed record RealtimeResult(int Sockets, double RssBeforeMiB, double RssAfterMiB, int Subscribers, int Messages, long Expected,
    long Delivered, double P50Ms, double P99Ms, double MaxMs)
{
    public double KiBPerSocket => Sockets > 0 ? (RssAfterMiB - RssBeforeMiB) * 1024 / Sockets : 0;

    public double DeliveredShare => Expected > 0 ? (double)Delivered / Expected : 0;
}

/// <summary>
/// Scenario 6: the edge's realtime channel (<c>/realtime</c>). First <see cref="BenchSettings.RealtimeSockets"/> idle
/// WebSockets, each authenticated with the same access token and welcomed, and the edge's RSS before and after them
/// (memory per socket). Then <see cref="BenchSettings.RealtimeSubscribers"/> sockets subscribed to one device's
/// telemetry while the device publishes over MQTT at 10 messages a second: the latency from the device's publish to each
/// subscriber's event (device edge → its feed → the edge's hub → every socket), all subscribers and messages pooled.
/// The subscribers run in this process on the same two cores, so the figure includes their own scheduling.
/// </summary>
internal sealed class RealtimeScenario(BenchContext context, EdgeServer edge, EdgeTokens tokens, DeviceEdgeServer devices)
{
    private const string Scope = "devices:read devices:write telemetry:read";
    private const string DeviceId = "bench-fanout";
    private const int Messages = 40;
    private static readonly TimeSpan PublishInterval = TimeSpan.FromMilliseconds(100);

    public async Task<RealtimeResult> RunAsync(CancellationToken cancel)
    {
        var settings = context.Settings;
        var (_, grant) = await tokens.OAuth.GetTokenAsync(Scope, resource: edge.PublicUrl, redirectUri: EdgeTokens.RedirectUri, cancellationToken: cancel);
        var token = grant.AccessToken ?? throw new InvalidOperationException($"No token with {Scope}: {grant.Json}");
        var secret = await ProvisionAsync(token, cancel);
        var endpoint = new Uri($"ws://{edge.Process.BaseUrl.Authority}/realtime");

        // Idle sockets: memory per connection.
        GC.Collect();
        await Task.Delay(TimeSpan.FromSeconds(2), cancel);
        var before = edge.Process.RssMiB();
        var idle = await OpenAsync(endpoint, token, settings.RealtimeSockets, subscribe: null, cancel);
        await Task.Delay(TimeSpan.FromSeconds(3), cancel);
        var after = edge.Process.RssMiB();
        Log($"{idle.Count:N0} idle sockets: edge RSS {before:0} → {after:0} MiB ({(after - before) * 1024 / idle.Count:0.0} KiB per socket)");
        await CloseAllAsync(idle);

        // Fan-out: one device, many subscribers.
        var subscribers = await OpenAsync(endpoint, token, settings.RealtimeSubscribers, $"devices/{DeviceId}/telemetry", cancel);
        var sent = new long[Messages + 1];
        var latencies = new ConcurrentBag<double>();
        var firstSeen = new CountdownEvent(subscribers.Count);
        var readers = subscribers.Select(socket => ReadEventsAsync(socket, sent, latencies, firstSeen, cancel)).ToList();
        using var device = await MqttWire.ConnectAsync(new IPEndPoint(IPAddress.Loopback, devices.MqttPort), DeviceId, secret);
        var topic = Encoding.UTF8.GetBytes($"devices/{DeviceId}/telemetry");

        // Sequence 0 warms the path up and proves every subscriber is live before the timed messages.
        ushort packetId = 1;
        await PublishAsync(device, topic, packetId++, 0, sent);
        if (!firstSeen.Wait(TimeSpan.FromSeconds(30), cancel))
        {
            throw new TimeoutException($"Only {subscribers.Count - firstSeen.CurrentCount} of {subscribers.Count} subscribers received the first event.");
        }

        latencies.Clear();
        using var timer = new PeriodicTimer(PublishInterval);
        for (var sequence = 1; sequence <= Messages; sequence++)
        {
            await timer.WaitForNextTickAsync(cancel);
            await PublishAsync(device, topic, packetId++, sequence, sent);
        }

        var expected = (long)Messages * subscribers.Count;
        var deadline = Stopwatch.StartNew();
        while (latencies.Count < expected && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50, cancel);
        }

        await device.DisconnectAsync();
        await CloseAllAsync(subscribers);
        await Task.WhenAll(readers);
        var sorted = latencies.Order().ToArray();
        Log($"fan-out to {subscribers.Count:N0} subscribers: {sorted.Length:N0} of {expected:N0} events, p50 {Percentile(sorted, 0.5):0.0} ms, p99 {Percentile(sorted, 0.99):0.0} ms");
        return new RealtimeResult(idle.Count, before, after, subscribers.Count, Messages, expected, sorted.Length,
            Percentile(sorted, 0.5), Percentile(sorted, 0.99), sorted.Length > 0 ? sorted[^1] : 0);
    }

    private async Task<string> ProvisionAsync(string token, CancellationToken cancel)
    {
        using var api = new HttpClient { BaseAddress = devices.Process.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var body = new StringContent($$"""{"id":"{{DeviceId}}","name":"Fan-out sensor","type":"sensor"}""", Encoding.UTF8, "application/json");
        using var response = await api.PostAsync("devices", body, cancel);
        var text = await response.Content.ReadAsStringAsync(cancel);
        return response.StatusCode == HttpStatusCode.Created
            ? JsonDocument.Parse(text).RootElement.GetProperty("secret").GetString()!
            : throw new InvalidOperationException($"Provisioning {DeviceId} answered {(int)response.StatusCode}: {text}");
    }

    private static async Task PublishAsync(MqttWire device, byte[] topic, ushort packetId, int sequence, long[] sent)
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        sent[sequence] = Stopwatch.GetTimestamp();
        var reason = await device.PublishAtLeastOnceAsync(topic, packetId, destination =>
            Encoding.UTF8.GetBytes($$$"""{"ts":{{{ts}}},"metrics":{"seq":{{{sequence}}}}}""", destination));
        if (reason != 0)
        {
            throw new InvalidOperationException($"The device edge refused telemetry message {sequence} (reason {reason}).");
        }
    }

    /// <summary>Opens sockets 64 at a time; each is welcomed (and, with a channel, subscribed) before it counts.</summary>
    internal static async Task<List<ClientWebSocket>> OpenAsync(Uri endpoint, string token, int count, string? subscribe, CancellationToken cancel)
    {
        var sockets = new ClientWebSocket[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancel }, async (i, ct) =>
        {
            var socket = new ClientWebSocket();
            socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
            socket.Options.KeepAliveInterval = TimeSpan.Zero;
            await socket.ConnectAsync(endpoint, ct);
            await ExpectAsync(socket, "welcome", ct);
            if (subscribe is not null)
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes($$"""{"type":"subscribe","channel":"{{subscribe}}"}"""), WebSocketMessageType.Text, true, ct);
                await ExpectAsync(socket, "subscribed", ct);
            }

            sockets[i] = socket;
        });
        return [.. sockets];
    }

    private static async Task ExpectAsync(ClientWebSocket socket, string type, CancellationToken cancel)
    {
        var buffer = new byte[4096];
        var result = await socket.ReceiveAsync(buffer, cancel);
        using var message = JsonDocument.Parse(buffer.AsMemory(0, result.Count));
        var actual = message.RootElement.GetProperty("type").GetString();
        if (actual != type)
        {
            throw new InvalidOperationException($"The realtime endpoint sent '{actual}' where '{type}' was expected: {Encoding.UTF8.GetString(buffer, 0, result.Count)}");
        }
    }

    private static async Task ReadEventsAsync(ClientWebSocket socket, long[] sent, ConcurrentBag<double> latencies, CountdownEvent firstSeen, CancellationToken cancel)
    {
        var buffer = new byte[16 * 1024];
        var seenFirst = false;
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, cancel);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                var received = Stopwatch.GetTimestamp();
                using var message = JsonDocument.Parse(buffer.AsMemory(0, result.Count));
                if (message.RootElement.GetProperty("type").GetString() != "event")
                {
                    continue;
                }

                var sequence = (int)message.RootElement.GetProperty("data").GetProperty("metrics").GetProperty("seq").GetDouble();
                if (sequence == 0)
                {
                    if (!seenFirst)
                    {
                        seenFirst = true;
                        firstSeen.Signal();
                    }

                    continue;
                }

                latencies.Add(Stopwatch.GetElapsedTime(sent[sequence], received).TotalMilliseconds);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Closed by CloseAllAsync or the end of the run.
        }
    }

    private static async Task CloseAllAsync(List<ClientWebSocket> sockets)
    {
        foreach (var socket in sockets)
        {
            socket.Abort();
            socket.Dispose();
        }

        await Task.Delay(TimeSpan.FromSeconds(1));
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static void Log(string message) => Console.Error.WriteLine("[bench] " + message);
}
