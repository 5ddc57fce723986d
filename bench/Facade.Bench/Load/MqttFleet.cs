using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Facade.Bench.Load;

/// <summary>One simulated device: its MQTT user name (= client id) and secret (null for an anonymous broker).</summary>
internal sealed record MqttDevice(string Id, string? Secret);

/// <summary>What one fleet run measured: acknowledged publishes, wall time, publish → PUBACK latency (every message).</summary>
internal sealed record MqttRunResult(long Acked, long Refused, long Errors, double Seconds, double P50Ms, double P99Ms)
{
    public double MessagesPerSecond => Seconds > 0 ? Acked / Seconds : 0;
}

/// <summary>
/// Many devices, each on its own MQTT 5 connection, publishing telemetry at QoS 1 as fast as their acknowledgements
/// come back (one message in flight per device, as a device that waits for its PUBACK). Every message has its own
/// <c>ts</c> (a per-device sequence on a fixed base), so each one is a distinct reading.
/// </summary>
/// <remarks>
/// The devices speak MQTT over plain sockets (<see cref="MqttWire"/>: CONNECT, PUBLISH at QoS 1, PUBACK, nothing
/// else) rather than through MQTTnet's client, for the reason wrk drives the HTTP scenarios: the load generator runs
/// on the same cores as the broker it measures, and MQTTnet's client spends several times a lean broker's CPU per
/// message (two async loops and a packet queue per connection), which would be measured as the broker's slowness.
/// </remarks>
internal sealed class MqttFleet : IAsyncDisposable
{
    private static readonly TimeSpan StuckAfter = TimeSpan.FromMinutes(1);

    private readonly int _port;
    private readonly MqttWire?[] _connections;
    private readonly MqttDevice[] _devices;
    private readonly long[] _next;
    private readonly long[] _acked;

    private MqttFleet(int port, MqttWire?[] connections, MqttDevice[] devices, long baseTimestamp)
    {
        _port = port;
        _connections = connections;
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
        var connections = new MqttWire?[devices.Count];
        var fleet = new MqttFleet(port, connections, [.. devices], baseTimestamp);
        try
        {
            await fleet.ConnectAllAsync(Enumerable.Range(0, devices.Count).ToList());
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }

        return fleet;
    }

    /// <summary>Connects again every device whose connection was lost (a publish failed on a busy machine); how many.</summary>
    public async Task<int> ReconnectAsync()
    {
        var lost = Enumerable.Range(0, _connections.Length).Where(d => _connections[d] is not { IsConnected: true }).ToList();
        foreach (var d in lost)
        {
            _connections[d]?.Dispose();
            _connections[d] = null;
        }

        await ConnectAllAsync(lost);
        return lost.Count;
    }

    private async Task ConnectAllAsync(IReadOnlyList<int> indexes)
    {
        using var gate = new SemaphoreSlim(32);
        await Task.WhenAll(indexes.Select(async d =>
        {
            await gate.WaitAsync();
            try
            {
                _connections[d] = await MqttWire.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _port), _devices[d].Id, _devices[d].Secret);
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    /// <summary>
    /// Every device publishes for <paramref name="duration"/>; <paramref name="onAcked"/> hears of each acknowledged
    /// reading and <paramref name="onSent"/> of each one sent (device index, its ts, when the publish started in
    /// <see cref="Stopwatch"/> ticks). A device whose connection fails stops for the rest of the run; a broker that stops
    /// answering cannot hang the benchmark: a minute after the run should have ended, every connection still waiting is
    /// closed (and counted as lost).
    /// </summary>
    public async Task<MqttRunResult> RunAsync(TimeSpan duration, Action<int, long, long>? onAcked = null, Action<int, long, long>? onSent = null)
    {
        var latencies = new List<float>[_connections.Length];
        long refused = 0, errors = 0;
        var clock = Stopwatch.StartNew();
        var acked = _acked.Sum();
        using var stuck = new CancellationTokenSource(duration + StuckAfter);
        using var closeStuck = stuck.Token.Register(() =>
        {
            foreach (var connection in _connections)
            {
                connection?.Dispose();
            }
        });
        await Task.WhenAll(Enumerable.Range(0, _connections.Length).Select(d => Task.Run(async () =>
        {
            var mine = latencies[d] = new List<float>(4096);
            if (_connections[d] is not { IsConnected: true } connection)
            {
                Interlocked.Increment(ref errors);
                return;
            }

            var topic = Encoding.UTF8.GetBytes($"devices/{_devices[d].Id}/telemetry");
            while (clock.Elapsed < duration)
            {
                var sequence = _next[d]++;
                var ts = BaseTimestamp + sequence;
                var started = Stopwatch.GetTimestamp();
                onSent?.Invoke(d, ts, started);
                try
                {
                    var reason = await connection.PublishAtLeastOnceAsync(topic, (ushort)(sequence % 65_535 + 1), payload => WritePayload(payload, ts, sequence));
                    if (reason != 0)
                    {
                        Interlocked.Increment(ref refused);
                        continue;
                    }
                }
                catch (Exception exception) when (exception is IOException or SocketException or InvalidOperationException or ObjectDisposedException)
                {
                    connection.Dispose();
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
        var buffer = new byte[128];
        return buffer[..WritePayload(buffer, ts, sequence)];
    }

    public static int WritePayload(Span<byte> destination, long ts, long sequence)
    {
        var temperature = 18 + (sequence % 100) / 10.0;
        var humidity = 40 + sequence % 20;
        return System.Text.Unicode.Utf8.TryWrite(destination, CultureInfo.InvariantCulture,
            $"{{\"ts\":{ts},\"metrics\":{{\"temperature\":{temperature},\"humidity\":{humidity}}}}}", out var written)
            ? written
            : throw new InvalidOperationException("The telemetry payload does not fit its buffer.");
    }

    /// <summary>The <c>ts</c> of a payload made by <see cref="Payload"/> (it comes first).</summary>
    public static long TimestampOf(ReadOnlySpan<byte> payload) =>
        payload.Length > 6 && Utf8Parser.TryParse(payload[6..], out long ts, out _) ? ts : -1;

    public static double Percentile(float[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            if (connection is not null)
            {
                await connection.DisconnectAsync();
                connection.Dispose();
            }
        }
    }
}
