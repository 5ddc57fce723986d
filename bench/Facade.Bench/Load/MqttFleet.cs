using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using MQTTnet;
using MQTTnet.Protocol;

namespace Facade.Bench.Load;

/// <summary>One simulated device: its MQTT user name (= client id) and secret (null for an anonymous broker).</summary>
internal sealed record MqttDevice(string Id, string? Secret);

/// <summary>What one fleet run measured: acknowledged publishes, wall time, publish → PUBACK latency (every message).</summary>
internal sealed record MqttRunResult(long Acked, long Refused, long Errors, double Seconds, double P50Ms, double P99Ms)
{
    public double MessagesPerSecond => Seconds > 0 ? Acked / Seconds : 0;
}

/// <summary>
/// Many devices, each a real MQTTnet client (MQTT 5) on its own connection, publishing telemetry at QoS 1 as fast as
/// their acknowledgements come back (one message in flight per device, as a device that waits for its PUBACK). Every
/// message has its own <c>ts</c> (a per-device sequence on a fixed base), so each one is a distinct reading.
/// </summary>
internal sealed class MqttFleet : IAsyncDisposable
{
    private readonly IMqttClient[] _clients;
    private readonly MqttClientOptions[] _options;
    private readonly MqttDevice[] _devices;
    private readonly long[] _next;
    private readonly long[] _acked;

    private MqttFleet(IMqttClient[] clients, MqttClientOptions[] options, MqttDevice[] devices, long baseTimestamp)
    {
        _clients = clients;
        _options = options;
        _devices = devices;
        _next = new long[devices.Length];
        _acked = new long[devices.Length];
        BaseTimestamp = baseTimestamp;
    }

    /// <summary>Unix milliseconds of each device's first reading; reading n is at base + n ms.</summary>
    public long BaseTimestamp { get; }

    public IReadOnlyList<MqttDevice> Devices => _devices;

    /// <summary>Publishes acknowledged with success so far, per device (all runs).</summary>
    public long Acked(int device) => Interlocked.Read(ref _acked[device]);

    public long TotalAcked => _acked.Sum();

    public static async Task<MqttFleet> ConnectAsync(int port, IReadOnlyList<MqttDevice> devices, long baseTimestamp)
    {
        var factory = new MqttClientFactory();
        var clients = new IMqttClient[devices.Count];
        var options = devices.Select(device => Options(port, device)).ToArray();
        using var gate = new SemaphoreSlim(32);
        try
        {
            await Task.WhenAll(devices.Select(async (device, i) =>
            {
                await gate.WaitAsync();
                try
                {
                    clients[i] = factory.CreateMqttClient();
                    await ConnectAsync(clients[i], options[i], device);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }
        catch
        {
            foreach (var client in clients.OfType<IMqttClient>())
            {
                client.Dispose();
            }

            throw;
        }

        return new MqttFleet(clients, options, [.. devices], baseTimestamp);
    }

    /// <summary>Connects again every device whose connection was lost (a publish timed out on a busy machine); how many.</summary>
    public async Task<int> ReconnectAsync()
    {
        var lost = Enumerable.Range(0, _clients.Length).Where(d => !_clients[d].IsConnected).ToList();
        foreach (var d in lost)
        {
            await ConnectAsync(_clients[d], _options[d], _devices[d]);
        }

        return lost.Count;
    }

    private static MqttClientOptions Options(int port, MqttDevice device)
    {
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId(device.Id)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithTimeout(TimeSpan.FromSeconds(60));
        if (device.Secret is not null)
        {
            options.WithCredentials(device.Id, device.Secret);
        }

        return options.Build();
    }

    private static async Task ConnectAsync(IMqttClient client, MqttClientOptions options, MqttDevice device)
    {
        var result = await client.ConnectAsync(options);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"Device {device.Id} could not connect: {result.ResultCode}.");
        }
    }

    /// <summary>
    /// Every device publishes for <paramref name="duration"/>; <paramref name="onAcked"/> hears of each acknowledged
    /// reading (device index, its ts, when the publish started in <see cref="Stopwatch"/> ticks).
    /// </summary>
    public async Task<MqttRunResult> RunAsync(TimeSpan duration, Action<int, long, long>? onAcked = null, Action<int, long, long>? onSent = null)
    {
        var latencies = new List<float>[_clients.Length];
        long refused = 0, errors = 0;
        var clock = Stopwatch.StartNew();
        var acked = _acked.Sum();
        await Task.WhenAll(Enumerable.Range(0, _clients.Length).Select(d => Task.Run(async () =>
        {
            var mine = latencies[d] = new List<float>(4096);
            var topic = $"devices/{_devices[d].Id}/telemetry";
            while (clock.Elapsed < duration)
            {
                var sequence = _next[d]++;
                var ts = BaseTimestamp + sequence;
                var message = new MqttApplicationMessageBuilder()
                    .WithTopic(topic)
                    .WithPayload(Payload(ts, sequence))
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .Build();
                var started = Stopwatch.GetTimestamp();
                onSent?.Invoke(d, ts, started);
                try
                {
                    var result = await _clients[d].PublishAsync(message);
                    if (result.ReasonCode != MqttClientPublishReasonCode.Success)
                    {
                        Interlocked.Increment(ref refused);
                        continue;
                    }
                }
                catch (Exception exception) when (exception is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
                {
                    Interlocked.Increment(ref errors);
                    return;
                }

                mine.Add((float)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                Interlocked.Increment(ref _acked[d]);
                onAcked?.Invoke(d, ts, started);
            }
        })));
        var seconds = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l ?? []).Order().ToArray();
        return new MqttRunResult(_acked.Sum() - acked, refused, errors, seconds, Percentile(all, 0.50), Percentile(all, 0.99));
    }

    /// <summary>Two metrics, as a typical sensor sends them.</summary>
    public static byte[] Payload(long ts, long sequence)
    {
        var temperature = 18 + (sequence % 100) / 10.0;
        var humidity = 40 + sequence % 20;
        return Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{{\"ts\":{ts},\"metrics\":{{\"temperature\":{temperature},\"humidity\":{humidity}}}}}"));
    }

    /// <summary>The <c>ts</c> of a payload made by <see cref="Payload"/> (it comes first).</summary>
    public static long TimestampOf(ReadOnlySpan<byte> payload) =>
        payload.Length > 6 && Utf8Parser.TryParse(payload[6..], out long ts, out _) ? ts : -1;

    public static double Percentile(float[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            try
            {
                if (client.IsConnected)
                {
                    await client.DisconnectAsync();
                }
            }
            catch (Exception exception) when (exception is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
            {
            }

            client.Dispose();
        }
    }
}
