using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using Facade.Bench.Load;
using Facade.Bench.Machine;
using Facade.Bench.Scenarios;
using Facade.Bench.Servers;

namespace Facade.Bench.Soak;

/// <summary>
/// <c>./run.sh soak</c>: the whole system (edge, MCP adapter, device edge, backend) under a steady mixed load for a
/// while — REST and MCP <c>tools/call</c> through the edge, devices publishing telemetry over MQTT, one realtime
/// WebSocket subscriber per device — reading every service's memory as it goes. At the end every acknowledged
/// message must be stored (lost = acknowledged but not stored) and every subscriber must have had its device's events.
/// Exit code 1 on any error, loss or exited service; the figures go to <c>bench/results/soak-*.md</c>.
/// </summary>
internal sealed class SoakRun(BenchContext context, McpOptions mcp, SoakSettings soak)
{
    private const string DeviceScope = "devices:read devices:write telemetry:read";

    private readonly List<ServerProcess> _servers = [];
    private readonly List<(TimeSpan At, double[] RssMiB)> _memory = [];
    private readonly SoakCounters _counters = new();

    public async Task<int> RunAsync(CancellationToken cancel)
    {
        var started = DateTimeOffset.UtcNow;
        var backend = Track(await Peers.StartBackendAsync(context));
        var adapterUrl = Ports.Loopback(Ports.Free());
        var devicesUrl = Ports.Loopback(Ports.Free());
        var edge = await EdgeServer.StartAsync(context, backend.BaseUrl, adapterUrl, devicesUrl);
        Track(edge.Process);
        var devices = await DeviceEdgeServer.StartAsync(context, edge, devicesUrl);
        Track(devices.Process);
        var (adapter, adapterFailure) = await mcp.StartAsync(context, adapterUrl, edge, backend, agents: null);
        Track(adapter ?? throw new InvalidOperationException($"The MCP adapter did not start: {adapterFailure}"));

        // Realtime events are at-most-once: the load starts only once the edge follows the device edge's feed.
        await edge.Process.HealthyAsync(TimeSpan.FromSeconds(60));

        Log("getting tokens from the edge");
        using var tokens = await EdgeTokens.GetAsync(edge);
        var (mcpCall, _, mcpFailure) = await McpScenario.PrepareCallAsync(edge, tokens.Access, mcp.Tool);
        if (mcpCall is null)
        {
            throw new InvalidOperationException($"No MCP call to repeat: {mcpFailure}");
        }

        var (_, grant) = await tokens.OAuth.GetTokenAsync(DeviceScope, resource: edge.PublicUrl, redirectUri: EdgeTokens.RedirectUri, cancellationToken: cancel);
        var deviceToken = grant.AccessToken ?? throw new InvalidOperationException($"No token with {DeviceScope}: {grant.Json}");
        using var api = new HttpClient { BaseAddress = devices.Process.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", deviceToken);
        var fleet = await IngestScenario.ProvisionAsync(api, Enumerable.Range(1, soak.Devices).Select(i => $"soak-{i:D3}").ToList(), cancel);
        var sockets = new List<ClientWebSocket>();
        var endpoint = new Uri($"ws://{edge.Process.BaseUrl.Authority}/realtime");
        foreach (var device in fleet)
        {
            sockets.AddRange(await RealtimeScenario.OpenAsync(endpoint, deviceToken, 1, $"devices/{device.Id}/telemetry", cancel));
        }

        var wires = new List<MqttWire>();
        foreach (var device in fleet)
        {
            wires.Add(await MqttWire.ConnectAsync(new IPEndPoint(IPAddress.Loopback, devices.MqttPort), device.Id, device.Secret));
        }

        var from = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var acked = new long[fleet.Count];
        var events = new long[fleet.Count];
        Log($"soak: {soak.Duration.TotalMinutes:0.#} min of {soak.RestPerSecond} REST/s, {soak.McpPerSecond} MCP calls/s, {fleet.Count} devices × " +
            $"{soak.MessagesPerDevicePerSecond:0.#} msg/s with one realtime subscriber each");
        using var http = new HttpClient { BaseAddress = edge.Process.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);

        // Subscribers keep reading after the load stops, until the events of the last acknowledged messages are in.
        using var listen = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var rest = RequestSpec.Get(Sanity.TasksPath, tokens.Access);
        var load = new List<Task>();
        load.AddRange(Workers(soak.RestPerSecond).Select(w => SoakStreams.HttpAsync("rest", http, rest, w, _counters, _counters.RestOk, stop.Token)));
        load.AddRange(Workers(soak.McpPerSecond).Select(w => SoakStreams.HttpAsync("mcp", http, mcpCall, w, _counters, _counters.McpOk, stop.Token)));
        var interval = TimeSpan.FromSeconds(1 / soak.MessagesPerDevicePerSecond);
        load.AddRange(fleet.Select((d, i) => SoakStreams.DeviceAsync(wires[i], d.Id, interval, acked, i, _counters, stop.Token)));
        var subscribers = sockets.Select((s, i) => SoakStreams.SubscriberAsync(s, events, i, _counters, listen.Token)).ToList();

        await SampleMemoryAsync(soak.Duration, cancel);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        // Events of the last acknowledged messages may still be on their way.
        for (var wait = 0; wait < 50 && Enumerable.Range(0, fleet.Count).Any(i => Interlocked.Read(ref events[i]) < Interlocked.Read(ref acked[i])); wait++)
        {
            await Task.Delay(100, cancel);
        }

        await listen.CancelAsync();
        await Task.WhenAll(subscribers);
        var missingEvents = Enumerable.Range(0, fleet.Count).Sum(i => Math.Max(0, Interlocked.Read(ref acked[i]) - Interlocked.Read(ref events[i])));
        foreach (var socket in sockets)
        {
            socket.Abort();
            socket.Dispose();
        }

        foreach (var wire in wires)
        {
            await wire.DisconnectAsync();
            wire.Dispose();
        }

        Log("counting stored telemetry per device");
        long stored = 0, lost = 0;
        for (var i = 0; i < fleet.Count; i++)
        {
            var count = await IngestScenario.CountAsync(api, fleet[i].Id, from - 86_400_000, from + 86_400_000, cancel);
            stored += count;
            lost += Math.Max(0, acked[i] - count);
        }

        var exited = _servers.Where(s => s.HasExited).Select(s => s.Name).ToList();
        var report = Render(started, acked.Sum(), stored, lost, events.Sum(), missingEvents, exited);
        var output = context.Settings.Output ?? Path.Combine(context.Root, "bench", "results",
            context.Settings.Smoke ? "soak-smoke.md" : $"soak-{started.UtcDateTime:yyyy-MM-dd-HHmm}.md");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await File.WriteAllTextAsync(output, report, cancel);
        Console.WriteLine();
        Console.Write(report);
        Log($"written to {output}");
        return _counters.Errors == 0 && lost == 0 && missingEvents == 0 && exited.Count == 0 ? 0 : 1;
    }

    public async ValueTask StopAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>Workers of one HTTP stream: each sends one request at a time, 20 per second at most.</summary>
    private static IEnumerable<TimeSpan> Workers(int perSecond)
    {
        var count = Math.Max(1, (perSecond + 19) / 20);
        return Enumerable.Repeat(TimeSpan.FromSeconds((double)count / Math.Max(1, perSecond)), count);
    }

    private async Task SampleMemoryAsync(TimeSpan duration, CancellationToken cancel)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            _memory.Add((clock.Elapsed, _servers.Select(s => s.HasExited ? 0 : s.RssMiB()).ToArray()));
            var left = duration - clock.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                return;
            }

            Log($"{clock.Elapsed.TotalMinutes:0.0} min: {_counters.Rest:N0} REST, {_counters.Mcp:N0} MCP, {_counters.Errors} errors; RSS " +
                string.Join(", ", _servers.Select((s, i) => $"{s.Name} {_memory[^1].RssMiB[i]:0} MiB")));
            await Task.Delay(left < soak.SampleInterval ? left : soak.SampleInterval, cancel);
        }
    }

    private string Render(DateTimeOffset started, long acked, long stored, long lost, long events, long missingEvents, IReadOnlyList<string> exited)
    {
        var warm = _memory.FirstOrDefault(m => m.At >= soak.Warm);
        warm = warm.RssMiB is null ? _memory[0] : warm;
        var end = _memory[^1];
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"# Soak, {started:yyyy-MM-dd HH:mm} UTC").AppendLine();
        text.AppendLine(c, $"{soak.Duration.TotalMinutes:0.#} minutes on {Environment.ProcessorCount} cores ({context.Settings.Configuration} build): " +
            $"{soak.RestPerSecond} REST requests/s and {soak.McpPerSecond} MCP `tools/call`/s through the edge, {soak.Devices} MQTT devices " +
            $"publishing {soak.MessagesPerDevicePerSecond:0.#} telemetry messages/s each at QoS 1, one realtime WebSocket subscriber per device.").AppendLine();
        text.AppendLine("| stream | done | |").AppendLine("|---|---:|---|");
        text.AppendLine(c, $"| REST `GET /api/tasks` | {_counters.Rest:N0} | 200 |");
        text.AppendLine(c, $"| MCP `tools/call` | {_counters.Mcp:N0} | result without error |");
        text.AppendLine(c, $"| MQTT telemetry | {acked:N0} | acknowledged; {stored:N0} stored, **{lost:N0} lost** |");
        text.AppendLine(c, $"| realtime events | {events:N0} | {missingEvents:N0} missing |");
        text.AppendLine(c, $"| errors | **{_counters.Errors:N0}** | |").AppendLine();
        text.AppendLine(c, $"Memory (RSS, MiB) at the start of the load, when warm ({warm.At.TotalSeconds:0} s) and at the end:").AppendLine();
        text.AppendLine("| service | start | warm | end | max | end − warm |").AppendLine("|---|---:|---:|---:|---:|---:|");
        for (var i = 0; i < _servers.Count; i++)
        {
            var max = _memory.Max(m => m.RssMiB[i]);
            text.AppendLine(c, $"| {_servers[i].Name} | {_memory[0].RssMiB[i]:0} | {warm.RssMiB[i]:0} | {end.RssMiB[i]:0} | {max:0} | {end.RssMiB[i] - warm.RssMiB[i]:+0;-0;0} |");
        }

        text.AppendLine();
        foreach (var error in _counters.FirstErrors)
        {
            text.AppendLine(c, $"- {error}");
        }

        foreach (var name in exited)
        {
            text.AppendLine(c, $"- {name} exited during the run.");
        }

        var rss = string.Join(" ", _servers.Select((s, i) => $"{s.Name.Replace('-', '_')}_rss_mb={warm.RssMiB[i]:0}->{end.RssMiB[i]:0}"));
        text.AppendLine().AppendLine(c, $"RESULT soak_minutes={soak.Duration.TotalMinutes:0.#} errors={_counters.Errors} rest={_counters.Rest} mcp={_counters.Mcp} " +
            $"telemetry_acked={acked} telemetry_lost={lost} realtime_events={events} realtime_missing={missingEvents} {rss}");
        return text.ToString();
    }

    private ServerProcess Track(ServerProcess server)
    {
        _servers.Add(server);
        return server;
    }

    private static void Log(string message) => Console.Error.WriteLine("[soak] " + message);
}
