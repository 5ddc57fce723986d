using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Facade.Bench.Load;
using Facade.Bench.Machine;
using Facade.Bench.Servers;
using MQTTnet;
using MQTTnet.Protocol;

namespace Facade.Bench.Scenarios;

/// <summary>
/// One measured ingest run of one broker: CPU per message of the broker and of the load generator (the harness's
/// MQTTnet clients, the subscriber included for mosquitto), and the 1 minute load average when it started.
/// </summary>
internal sealed record IngestRun(string Target, int Round, double MessagesPerSecond, double P50Ms, double P99Ms, double CpuUsPerMessage,
    double GeneratorCpuUsPerMessage, double LoadAverage);

/// <summary>What scenario 5 found; <see cref="Problems"/> fail the benchmark (lost or invisible telemetry, refused publishes).</summary>
internal sealed record IngestResult(int Devices, TimeSpan Duration, IReadOnlyList<IngestRun> Runs, long Acked, long Stored, long Lost,
    int VisibilityChecks, int Invisible, double? VisibleP50Ms, double? VisibleP99Ms, double? MosquittoDeliveryP99Ms, long MosquittoUndelivered,
    long HistoryReadings, int HistoryQueries, double HistoryP50Ms, double HistoryP99Ms, IReadOnlyList<string> Problems)
{
    public const string Facade = "device-edge";
    public const string Mosquitto = "mosquitto";

    public double? Median(string target, Func<IngestRun, double> figure) =>
        Runs.Any(r => r.Target == target) ? Summary.Median(Runs.Where(r => r.Target == target).Select(figure)) : null;

    /// <summary>The device edge's stored messages per second ÷ mosquitto's forwarded ones (medians).</summary>
    public double? VersusMosquitto =>
        Median(Facade, r => r.MessagesPerSecond) is { } edge && Median(Mosquitto, r => r.MessagesPerSecond) is { } peer && peer > 0 ? edge / peer : null;
}

/// <summary>
/// Scenario 5: MQTT telemetry ingest. Many devices (<see cref="MqttFleet"/>: one MQTT 5 connection each, each device
/// provisioned over the device edge's REST API with a token from the edge) publish at QoS 1 for a while. The device edge acknowledges a message only once
/// it is committed to SQLite, so publish → PUBACK is an upper bound of publish → queryable; that is checked on a
/// sample (each sampled reading must be returned by the REST API right after its acknowledgement, and the time from
/// its publish to that answer is reported too), and at the end
/// every device's stored count must equal its acknowledged count (lost = acknowledged but not stored). mosquitto
/// alone (no persistence) takes the same load in the same run, forwarding it to one subscriber. Then one device's
/// seeded day is read at <c>1m</c> repeatedly.
/// </summary>
internal sealed class IngestScenario(BenchContext context, EdgeServer edge, EdgeTokens tokens, DeviceEdgeServer devices, Action<ServerProcess> track)
{
    private const string Scope = "devices:read devices:write telemetry:read";
    private const string HistoryDevice = "bench-history";
    private const int SampleEvery = 997;
    private const int MaxSamples = 300;

    /// <summary>Tries of a warm-up that got nothing acknowledged (1, 2, 4, 8 × its length).</summary>
    private const int WarmupAttempts = 4;

    private readonly List<string> _problems = [];
    private readonly List<string> _notes = [];

    public IReadOnlyList<string> Notes => _notes;

    public async Task<IngestResult> RunAsync(CancellationToken cancel)
    {
        var settings = context.Settings;
        var (_, grant) = await tokens.OAuth.GetTokenAsync(Scope, resource: edge.PublicUrl, redirectUri: EdgeTokens.RedirectUri, cancellationToken: cancel);
        var token = grant.AccessToken ?? throw new InvalidOperationException($"No token with {Scope}: {grant.Json}");

        Log("starting mosquitto");
        var (mosquitto, mosquittoPort) = await Mosquitto.StartAsync(context);
        track(mosquitto);

        using var api = new HttpClient { BaseAddress = devices.Process.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await WaitUntilServingAsync(api, cancel);
        Log($"provisioning {settings.IngestDevices} devices over REST");
        var fleetDevices = await ProvisionAsync(api, settings.IngestDevices, cancel);
        var history = (await ProvisionAsync(api, [HistoryDevice], cancel))[0];

        var (historyReadings, historyDay) = await SeedHistoryAsync(devices, history, api, cancel);

        var baseTimestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000;
        await using var fleet = await MqttFleet.ConnectAsync(devices.MqttPort, fleetDevices, baseTimestamp);
        await using var peers = await MqttFleet.ConnectAsync(mosquittoPort, fleetDevices.Select(d => d with { Secret = null }).ToList(), baseTimestamp);
        await using var subscriber = await Subscriber.ConnectAsync(mosquittoPort, fleetDevices);

        var runs = new List<IngestRun>();
        var notIdle = new List<string>();
        var busyMachine = false;
        var samples = new VisibilityChecks(api, fleetDevices);
        var warmup = settings.Warmup < TimeSpan.FromSeconds(3) ? settings.Warmup : TimeSpan.FromSeconds(3);
        await WarmUpAsync(IngestResult.Facade, fleet, warmup, onSent: null);
        await WarmUpAsync(IngestResult.Mosquitto, peers, warmup, onSent: subscriber.Sent);
        for (var round = 1; round <= settings.Rounds; round++)
        {
            foreach (var target in round % 2 == 1 ? new[] { IngestResult.Facade, IngestResult.Mosquitto } : [IngestResult.Mosquitto, IngestResult.Facade])
            {
                // A machine that never went idle for one run will not for the next either: then wait no longer than a sample.
                var idle = await IdleWaiter.WaitAsync(settings.IdleThreshold, settings.IdleQuiet, busyMachine ? settings.IdleQuiet : settings.IdleLimit, cancel);
                if (!idle.Idle)
                {
                    busyMachine = true;
                    notIdle.Add($"{target}/r{round}");
                }

                var server = target == IngestResult.Facade ? devices.Process : mosquitto;
                var load = ProcStat.Load1();
                var cpuBefore = server.CpuTicks();
                var generatorBefore = ProcStat.ProcessTicks(Environment.ProcessId);
                var result = target == IngestResult.Facade
                    ? await fleet.RunAsync(settings.IngestDuration, onAcked: samples.Acked)
                    : await peers.RunAsync(settings.IngestDuration, onSent: subscriber.Sent);
                var cpu = PerMessage(server.CpuTicks() - cpuBefore, result.Acked);
                var generator = PerMessage(ProcStat.ProcessTicks(Environment.ProcessId) - generatorBefore, result.Acked);
                runs.Add(new IngestRun(target, round, result.MessagesPerSecond, result.P50Ms, result.P99Ms, cpu, generator, load));
                Log($"{target,-12} round {round}: {result.MessagesPerSecond,9:0} msg/s  ack p50 {result.P50Ms,6:0.00} ms  p99 {result.P99Ms,6:0.00} ms  " +
                    $"{cpu,6:0.0} µs CPU/msg (load generator {generator:0.0})  load average {load:0.00}");
                Check(target, result);
            }
        }

        if (notIdle.Count > 0)
        {
            _notes.Add($"ingest: {notIdle.Count} of {runs.Count} runs started although the machine was not idle (≥ {settings.IdleThreshold:P0} CPU): " +
                $"{string.Join(", ", notIdle)}; the load average column says how busy.");
        }

        var undelivered = await subscriber.WaitForAsync(peers.TotalAcked, TimeSpan.FromSeconds(30));
        if (undelivered > 0)
        {
            _notes.Add($"mosquitto delivered {peers.TotalAcked - undelivered} of {peers.TotalAcked} acknowledged messages to the subscriber within 30 s.");
        }

        var (invisible, visibleP50, visibleP99) = await samples.CompleteAsync();
        if (invisible > 0)
        {
            _problems.Add($"ingest: {invisible} of {samples.Count} sampled acknowledged readings were not returned by the REST API right after their PUBACK.");
        }

        Log("counting stored telemetry per device over REST");
        var (stored, lost) = await CountStoredAsync(api, fleet, cancel);
        if (lost > 0)
        {
            _problems.Add($"ingest: {lost} acknowledged messages are not stored ({stored} stored, {fleet.TotalAcked} acknowledged).");
        }

        var (p50, p99, queries) = await QueryHistoryAsync(api, historyDay, historyReadings, cancel);
        return new IngestResult(settings.IngestDevices, settings.IngestDuration, runs, fleet.TotalAcked, stored, lost, samples.Count, invisible,
            visibleP50, visibleP99, subscriber.P99Ms(), undelivered, historyReadings, queries, p50, p99, _problems);
    }

    /// <summary>
    /// Unmeasured load before the first run (JIT, SQLite's cache, TCP windows). On a busy machine a short warm-up may
    /// end before a single PUBACK came back: that says nothing about the broker, so it is repeated, twice as long each
    /// time; devices that lost their connection meanwhile are connected again. Only a warm-up that still got nothing
    /// acknowledged after its last try fails the run.
    /// </summary>
    private async Task WarmUpAsync(string target, MqttFleet fleet, TimeSpan length, Action<int, long, long>? onSent)
    {
        for (var attempt = 1; ; attempt++)
        {
            Log($"warm-up {target} ({length.TotalSeconds:0.#} s)");
            var result = await fleet.RunAsync(length, onSent: onSent);
            var reconnected = await fleet.ReconnectAsync();
            if (result.Acked > 0 && result.Errors == 0 && result.Refused == 0)
            {
                return;
            }

            if (result.Refused > 0 || attempt == WarmupAttempts)
            {
                Check($"{target} warm-up", result);
                return;
            }

            _notes.Add($"{target}: the warm-up was repeated ({result.Acked} acknowledged, {result.Errors} devices lost their connection, {reconnected} reconnected).");
            Log($"warm-up {target}: {result.Acked} acknowledged, {result.Errors} connections lost; again, longer");
            length *= 2;
        }
    }

    private static double PerMessage(long ticks, long messages) => ticks / ProcStat.TicksPerSecond * 1e6 / Math.Max(1, messages);

    private void Check(string target, MqttRunResult result)
    {
        if (result.Acked == 0)
        {
            _problems.Add($"{target}: no message was acknowledged.");
        }

        if (result.Errors > 0)
        {
            _problems.Add($"{target}: {result.Errors} devices lost their connection.");
        }

        if (result.Refused > 0)
        {
            _problems.Add($"{target}: {result.Refused} publishes were refused.");
        }
    }

    /// <summary>
    /// Waits until the REST API answers an authenticated request with 200: a resource server that follows the edge's
    /// revocation feed answers 503 until it has read the feed once.
    /// </summary>
    private static async Task WaitUntilServingAsync(HttpClient api, CancellationToken cancel)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            using var response = await api.GetAsync("devices", cancel);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The device edge answered GET /devices with {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancel)}");
            }

            await Task.Delay(200, cancel);
        }
    }

    private static async Task<List<MqttDevice>> ProvisionAsync(HttpClient api, int count, CancellationToken cancel) =>
        await ProvisionAsync(api, Enumerable.Range(1, count).Select(i => $"bench-{i:D4}").ToList(), cancel);

    internal static async Task<List<MqttDevice>> ProvisionAsync(HttpClient api, IReadOnlyList<string> ids, CancellationToken cancel)
    {
        var devices = new MqttDevice[ids.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, ids.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancel }, async (i, ct) =>
        {
            using var body = new StringContent($$"""{"id":"{{ids[i]}}","name":"Bench sensor","type":"sensor"}""", Encoding.UTF8, "application/json");
            using var response = await api.PostAsync("devices", body, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"Provisioning {ids[i]} answered {(int)response.StatusCode}: {text}");
            }

            devices[i] = new MqttDevice(ids[i], JsonDocument.Parse(text).RootElement.GetProperty("secret").GetString());
        });
        return [.. devices];
    }

    /// <summary>
    /// The previous UTC day of one device, a reading every <see cref="BenchSettings.HistorySpacing"/>, published at QoS 0
    /// (stored without waiting for each commit) and then waited for until all of it is queryable.
    /// </summary>
    private async Task<(long Readings, long Day)> SeedHistoryAsync(DeviceEdgeServer devices, MqttDevice device, HttpClient api, CancellationToken cancel)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var day = now - now % 86_400_000 - 86_400_000;
        var spacing = (long)context.Settings.HistorySpacing.TotalMilliseconds;
        var readings = 86_400_000 / spacing;
        Log($"seeding {readings:N0} readings of {HistoryDevice}'s previous day");
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", devices.MqttPort).WithClientId(device.Id)
            .WithCredentials(device.Id, device.Secret).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build(), cancel);
        for (long i = 0; i < readings; i++)
        {
            await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"devices/{device.Id}/telemetry")
                .WithPayload(MqttFleet.Payload(day + i * spacing, i)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce).Build(), cancel);
        }

        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (await CountAsync(api, device.Id, day, day + 86_400_000, cancel) < readings)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The seeded day of {HistoryDevice} did not become queryable within 3 minutes.");
            }

            await Task.Delay(200, cancel);
        }

        await client.DisconnectAsync(cancellationToken: cancel);
        return (readings, day);
    }

    /// <summary>Stored readings of a device's temperature in [from, to), from the 1d buckets' counts.</summary>
    internal static async Task<long> CountAsync(HttpClient api, string deviceId, long from, long to, CancellationToken cancel)
    {
        using var response = await api.GetAsync($"devices/{deviceId}/telemetry/temperature?from={Iso(from)}&to={Iso(to)}&resolution=1d", cancel);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancel));
        return json.RootElement.GetProperty("points").EnumerateArray().Sum(p => p.GetProperty("count").GetInt64());
    }

    private static async Task<(long Stored, long Lost)> CountStoredAsync(HttpClient api, MqttFleet fleet, CancellationToken cancel)
    {
        long stored = 0, lost = 0;
        var from = fleet.BaseTimestamp - fleet.BaseTimestamp % 86_400_000;
        await Parallel.ForEachAsync(Enumerable.Range(0, fleet.Devices.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancel }, async (d, ct) =>
        {
            var count = await CountAsync(api, fleet.Devices[d].Id, from, from + 2 * 86_400_000, ct);
            Interlocked.Add(ref stored, count);
            Interlocked.Add(ref lost, Math.Max(0, fleet.Acked(d) - count));
        });
        return (stored, lost);
    }

    /// <summary>One checked query (1,440 buckets, each with the readings of its minute), then timed ones.</summary>
    private async Task<(double P50, double P99, int Queries)> QueryHistoryAsync(HttpClient api, long day, long readings, CancellationToken cancel)
    {
        var path = $"devices/{HistoryDevice}/telemetry/temperature?from={Iso(day)}&to={Iso(day + 86_400_000)}&resolution=1m";
        using (var response = await api.GetAsync(path, cancel))
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancel));
            var points = json.RootElement.GetProperty("points").EnumerateArray().ToList();
            var perMinute = readings / 1440;
            if (points.Count != 1440 || points.Any(p => p.GetProperty("count").GetInt64() != perMinute))
            {
                _problems.Add($"history: the day at 1m answered {points.Count} buckets, expected 1440 of {perMinute} readings each.");
            }
        }

        var times = new double[context.Settings.HistoryQueries];
        for (var i = 0; i < times.Length; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await api.GetAsync(path, HttpCompletionOption.ResponseContentRead, cancel);
            response.EnsureSuccessStatusCode();
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        var sorted = times.Select(t => (float)t).Order().ToArray();
        Log($"history: one device's day at 1m, {times.Length} queries: p50 {MqttFleet.Percentile(sorted, 0.5):0.00} ms, p99 {MqttFleet.Percentile(sorted, 0.99):0.00} ms");
        return (MqttFleet.Percentile(sorted, 0.5), MqttFleet.Percentile(sorted, 0.99), times.Length);
    }

    private static string Iso(long ms) =>
        Uri.EscapeDataString(DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));

    private static void Log(string message) => Console.Error.WriteLine("[bench] ingest: " + message);

    /// <summary>Right after a sampled PUBACK, the reading must be returned by the REST API (its own raw range).</summary>
    private sealed class VisibilityChecks(HttpClient api, IReadOnlyList<MqttDevice> devices)
    {
        private readonly ConcurrentBag<Task<(bool Visible, float Ms)>> _checks = [];
        private long _acked;

        public int Count => _checks.Count;

        public void Acked(int device, long ts, long started)
        {
            if (Interlocked.Increment(ref _acked) % SampleEvery == 0 && _checks.Count < MaxSamples)
            {
                _checks.Add(VisibleAsync(devices[device].Id, ts, started));
            }
        }

        /// <summary>How many sampled readings were missing; p50 and p99 of publish → REST answer with the reading.</summary>
        public async Task<(int Invisible, double? P50Ms, double? P99Ms)> CompleteAsync()
        {
            var results = await Task.WhenAll(_checks);
            var visible = results.Where(r => r.Visible).Select(r => r.Ms).Order().ToArray();
            return (results.Length - visible.Length, visible.Length == 0 ? null : MqttFleet.Percentile(visible, 0.5),
                visible.Length == 0 ? null : MqttFleet.Percentile(visible, 0.99));
        }

        private async Task<(bool Visible, float Ms)> VisibleAsync(string deviceId, long ts, long started)
        {
            try
            {
                using var response = await api.GetAsync($"devices/{deviceId}/telemetry/temperature?from={Iso(ts)}&to={Iso(ts + 1)}");
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                var visible = response.IsSuccessStatusCode && json.RootElement.GetProperty("points").GetArrayLength() == 1;
                return (visible, (float)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (HttpRequestException)
            {
                return (false, 0);
            }
        }
    }

    /// <summary>The one subscriber mosquitto forwards everything to (QoS 1); sampled publish → delivery latency.</summary>
    private sealed class Subscriber : IAsyncDisposable
    {
        private readonly IMqttClient _client;
        private readonly string[] _topics;
        private readonly ConcurrentDictionary<(string Topic, long Ts), long> _sent = new();
        private readonly ConcurrentBag<float> _latencies = [];
        private long _received;
        private long _sentCount;

        private Subscriber(IMqttClient client, IReadOnlyList<MqttDevice> devices)
        {
            _client = client;
            _topics = devices.Select(d => $"devices/{d.Id}/telemetry").ToArray();
        }

        public static async Task<Subscriber> ConnectAsync(int port, IReadOnlyList<MqttDevice> devices)
        {
            var client = new MqttClientFactory().CreateMqttClient();
            var subscriber = new Subscriber(client, devices);
            client.ApplicationMessageReceivedAsync += subscriber.OnReceivedAsync;
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("bench-subscriber")
                .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
            await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("devices/+/telemetry", MqttQualityOfServiceLevel.AtLeastOnce).Build());
            return subscriber;
        }

        public void Sent(int device, long ts, long started)
        {
            if (Interlocked.Increment(ref _sentCount) % SampleEvery == 0)
            {
                _sent[(_topics[device], ts)] = started;
            }
        }

        public double? P99Ms()
        {
            var sorted = _latencies.Order().ToArray();
            return sorted.Length == 0 ? null : MqttFleet.Percentile(sorted, 0.99);
        }

        /// <summary>Waits until <paramref name="expected"/> messages arrived; how many did not.</summary>
        public async Task<long> WaitForAsync(long expected, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (Interlocked.Read(ref _received) < expected && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            return Math.Max(0, expected - Interlocked.Read(ref _received));
        }

        private Task OnReceivedAsync(MqttApplicationMessageReceivedEventArgs e)
        {
            Interlocked.Increment(ref _received);
            var ts = MqttFleet.TimestampOf(e.ApplicationMessage.Payload.FirstSpan);
            if (_sent.TryRemove((e.ApplicationMessage.Topic, ts), out var started))
            {
                _latencies.Add((float)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            return Task.CompletedTask;
        }

        public async ValueTask DisposeAsync()
        {
            if (_client.IsConnected)
            {
                await _client.DisconnectAsync();
            }

            _client.Dispose();
        }
    }
}
