using Facade.Bench.Load;
using Facade.Bench.Machine;
using Facade.Bench.Report;
using Facade.Bench.Scenarios;
using Facade.Bench.Servers;

namespace Facade.Bench;

/// <summary>
/// One benchmark run: start every server on loopback, get real tokens from the edge, check every server answers
/// right, measure the scenarios in interleaved rounds, write the table. Exit code 1 when any check or run was wrong
/// (unexpected status, socket error); speed never fails a run.
/// </summary>
internal sealed class BenchRun(BenchContext context, McpOptions mcp)
{
    private const int ForgedPoolSize = 256;

    private readonly List<ServerProcess> _servers = [];
    private readonly List<string> _problems = [];
    private readonly List<string> _notes = [];

    public async Task<int> RunAsync(CancellationToken cancel)
    {
        var settings = context.Settings;
        var started = DateTimeOffset.UtcNow;
        var machine = await MachineInfo.ReadAsync(Path.ChangeExtension(context.Dll("proxy", "Facade.Proxy"), ".deps.json"));
        Log($"machine: {machine.Cpu}, {machine.Cores} cores; scratch folder {context.Work}");

        Log("starting backend, plain YARP, nginx, edge" + (mcp.Available(context) ? ", MCP adapter" : "") + ", HAProxy");
        var backend = Track(await Peers.StartBackendAsync(context));
        var yarp = Track(await Peers.StartPlainYarpAsync(context, backend.BaseUrl));
        var nginx = Track(await Peers.StartNginxAsync(context, backend.BaseUrl));
        var adapterUrl = Ports.Loopback(Ports.Free());
        var devicesUrl = Ports.Loopback(Ports.Free());
        var edge = await EdgeServer.StartAsync(context, backend.BaseUrl, adapterUrl, devicesUrl);
        Track(edge.Process);

        // One device edge serves the channel-backed MCP tool (scenario 2) and the ingest scenario (5).
        var (devices, devicesFailure) = await StartDeviceEdgeAsync(edge, devicesUrl);
        var (adapter, adapterFailure) = mcp.Available(context)
            ? await mcp.StartAsync(context, adapterUrl, edge, backend, settings.Runs(BenchSettings.McpScenario) ? devices : null)
            : (null, "no MCP adapter build (mcp-adapter/ has no Facade.McpAdapter.dll in this configuration)");
        if (adapter is not null)
        {
            Track(adapter);
        }

        Log("getting tokens from the edge (registration, login, consent, PKCE code exchange)");
        using var tokens = await EdgeTokens.GetAsync(edge);
        if (settings.Keep)
        {
            // Throwaway keys and user; handy for poking at the edge by hand while it runs.
            await File.WriteAllTextAsync(Path.Combine(context.Work, "edge", "access-token.txt"), tokens.Access, cancel);
        }

        var haproxy = Track(await Peers.StartHaproxyAsync(context, backend.BaseUrl, edge.SigningPublicKeyPem, edge.PublicUrl, EdgeServer.TasksScope));

        var sanity = await Sanity.CheckAsync([backend, nginx, yarp], [haproxy, edge.Process], tokens);
        _problems.AddRange(sanity);
        var measurer = new Measurer(settings, _servers);
        var mcpNote = "Not measured.";
        var tokenNote = "Not measured.";
        var tokenWorkers = settings.GrantWorkers;
        IngestResult? ingest = null;
        var ingestNote = "Not measured.";
        double? coldStartMs = null;
        RealtimeResult? realtime = null;
        var realtimeNote = "Not measured.";
        if (sanity.Count == 0)
        {
            Log("sanity checks passed; measuring");
            mcpNote = await MeasureRequestsAsync(measurer, backend, nginx, haproxy, yarp, edge, adapter, adapterFailure, devices, devicesFailure, tokens, cancel);
            tokenNote = await MeasureTokensAsync(measurer, edge, tokens, cancel);
            (ingest, ingestNote) = await MeasureIngestAsync(edge, tokens, devices, devicesFailure, cancel);
            (realtime, realtimeNote) = await MeasureRealtimeAsync(edge, tokens, devices, devicesFailure, cancel);
            coldStartMs = await MeasureColdStartAsync(edge, tokens);
        }

        _problems.AddRange(measurer.Problems);
        _notes.AddRange(measurer.AllWarnings());
        _notes.AddRange(_servers.Where(s => s.HasExited).Select(s => $"{s.Name} exited during the run; see {s.LogPath}."));
        _problems.AddRange(_servers.Where(s => s.HasExited).Select(s => $"{s.Name} is not running any more."));

        var report = MarkdownReport.Render(new RunOutcome(settings, machine, started, measurer, mcpNote, tokenNote, tokenWorkers, _problems, _notes)
        {
            Ingest = ingest,
            IngestNote = ingestNote,
            ColdStartMs = coldStartMs,
            Realtime = realtime,
            RealtimeNote = realtimeNote,
        });
        var output = settings.Output ?? Path.Combine(context.Root, "bench", "results", settings.Smoke ? "smoke.md" : $"{started.UtcDateTime:yyyy-MM-dd-HHmm}.md");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await File.WriteAllTextAsync(output, report, cancel);
        Console.WriteLine();
        Console.Write(report);
        Log($"written to {output}");
        return _problems.Count == 0 ? 0 : 1;
    }

    private async Task<string> MeasureRequestsAsync(Measurer measurer, ServerProcess backend, ServerProcess nginx, ServerProcess haproxy, ServerProcess yarp,
        EdgeServer edge, ServerProcess? adapter, string? adapterFailure, DeviceEdgeServer? devices, string? devicesFailure, EdgeTokens tokens,
        CancellationToken cancel)
    {
        var settings = context.Settings;
        var scripts = context.Folder("wrk");
        var authenticated = new[] { RequestSpec.Get(Sanity.TasksPath, tokens.Access) };
        var rest = new List<Target>();
        if (settings.Runs(BenchSettings.RestScenario) || settings.Runs(BenchSettings.McpScenario) || settings.Runs(BenchSettings.RejectScenario))
        {
            rest.AddRange(
            [
                Target.Wrk(Targets.Direct, backend, authenticated, scripts),
                Target.Wrk(Targets.Nginx, nginx, authenticated, scripts),
                Target.Wrk(Targets.Haproxy, haproxy, authenticated, scripts),
                Target.Wrk(Targets.Yarp, yarp, authenticated, scripts),
                Target.Wrk(Targets.Facade, edge.Process, authenticated, scripts),
            ]);
            if (await PrepareKeyTargetAsync(edge, scripts) is { } keyed)
            {
                rest.Add(keyed);
            }
        }

        var extra = new List<Target>();
        var mcpNote = "Not run (`--scenarios` left it out).";
        if (settings.Runs(BenchSettings.McpScenario))
        {
            var (target, note) = adapter is null
                ? (null, $"n/a: {adapterFailure}.")
                : await McpScenario.PrepareAsync(edge, adapter, tokens.Access, mcp.Tool, scripts);
            mcpNote = note;
            if (target is not null)
            {
                extra.Add(target);
            }
            else
            {
                _notes.Add("MCP scenario: " + note);
            }

            var (channel, channelNote) = await PrepareChannelTargetAsync(edge, adapter, devices, devicesFailure, tokens, scripts, cancel);
            mcpNote += "\n\n" + channelNote;
            if (channel is not null)
            {
                extra.Add(channel);
            }
        }

        if (settings.Runs(BenchSettings.RejectScenario))
        {
            var forged = tokens.Forged(ForgedPoolSize);
            extra.Add(Target.Wrk(Targets.FacadeNoToken, edge.Process, [RequestSpec.Get(Sanity.TasksPath)], scripts, expectRejection: true));
            extra.Add(Target.Wrk(Targets.FacadeForged, edge.Process, forged.Select(t => RequestSpec.Get(Sanity.TasksPath, t)).ToList(), scripts, expectRejection: true));
            extra.Add(Target.Wrk(Targets.HaproxyForged, haproxy, forged.Select(t => RequestSpec.Get(Sanity.TasksPath, t)).ToList(), scripts, expectRejection: true));
        }

        // Everything at the top concurrency in one interleaved rotation; then scenario 1 at the other levels.
        await measurer.RunRoundsAsync([.. rest, .. extra], [settings.Connections[0]], cancel);
        if (rest.Count > 0 && settings.Connections.Count > 1)
        {
            await measurer.RunRoundsAsync(rest, settings.Connections.Skip(1).ToList(), cancel);
        }

        return mcpNote;
    }

    /// <summary>
    /// Target <c>facade-key</c>: the <c>facade</c> request with a user key of the same API scope instead of the OAuth
    /// token. The key is made by the edge's admin command and checked once (200 with the tasks) before it is measured.
    /// </summary>
    private async Task<Target?> PrepareKeyTargetAsync(EdgeServer edge, string scripts)
    {
        try
        {
            var key = await edge.CreateKeyAsync(EdgeServer.TasksScope);
            using var client = new HttpClient { BaseAddress = edge.Process.BaseUrl, Timeout = TimeSpan.FromSeconds(10) };
            using var request = new HttpRequestMessage(HttpMethod.Get, Sanity.TasksPath.TrimStart('/'));
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            using var response = await client.SendAsync(request);
            if (response.StatusCode != System.Net.HttpStatusCode.OK)
            {
                _problems.Add($"{Targets.FacadeKey}: GET {Sanity.TasksPath} with a user key answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                return null;
            }

            return Target.Wrk(Targets.FacadeKey, edge.Process, [RequestSpec.Get(Sanity.TasksPath, key)], scripts);
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or HttpRequestException)
        {
            _problems.Add($"{Targets.FacadeKey}: {exception.Message.Split('\n')[0]}");
            return null;
        }
    }

    /// <summary>
    /// Target <c>facade-mcp-channel</c>: an agent key for <see cref="BenchCatalog.AgentId"/> (admin command, scope
    /// <c>agents:serve</c>), the responder connected with it, a caller token with <c>agents:invoke</c>, one checked call.
    /// Anything missing makes the note say why; a failure on the way is a problem of the run.
    /// </summary>
    private async Task<(Target? Target, string Note)> PrepareChannelTargetAsync(EdgeServer edge, ServerProcess? adapter, DeviceEdgeServer? devices,
        string? devicesFailure, EdgeTokens tokens, string scripts, CancellationToken cancel)
    {
        if (adapter is null)
        {
            return (null, "Channel-backed tool: n/a (no MCP adapter).");
        }

        if (devices is null)
        {
            _problems.Add($"{Targets.FacadeMcpChannel}: {devicesFailure}");
            return (null, $"Channel-backed tool: n/a ({devicesFailure}).");
        }

        if (!AgentResponderServer.Available(context))
        {
            _problems.Add($"{Targets.FacadeMcpChannel}: no agent responder build (mocks/AgentResponder has no Facade.Mocks.AgentResponder.dll in this configuration).");
            return (null, "Channel-backed tool: n/a (no agent responder build).");
        }

        try
        {
            Log($"starting the agent responder for agent '{BenchCatalog.AgentId}' on the device edge's broker");
            var agentKey = await edge.CreateKeyAsync("agents:serve", BenchCatalog.AgentId);
            Track(await AgentResponderServer.StartAsync(context, devices, agentKey));
            var (_, grant) = await tokens.OAuth.GetTokenAsync($"{EdgeServer.TasksScope} agents:invoke", resource: edge.PublicUrl,
                redirectUri: EdgeTokens.RedirectUri, cancellationToken: cancel);
            var token = grant.AccessToken ?? throw new InvalidOperationException($"No token with agents:invoke: {grant.Json}");
            var (target, note) = await McpScenario.PrepareChannelAsync(edge, adapter, token, scripts);
            if (target is null)
            {
                _problems.Add($"{Targets.FacadeMcpChannel}: {note}");
            }

            return (target, note);
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or HttpRequestException)
        {
            var reason = exception.Message.Split('\n')[0];
            _problems.Add($"{Targets.FacadeMcpChannel}: {reason} (logs in {context.Logs} with --keep)");
            return (null, $"Channel-backed tool: n/a ({reason}).");
        }
    }

    /// <summary>The device edge, when a scenario that needs it runs and it is built; otherwise why not.</summary>
    private async Task<(DeviceEdgeServer? Devices, string? Failure)> StartDeviceEdgeAsync(EdgeServer edge, Uri url)
    {
        if (!context.Settings.Runs(BenchSettings.McpScenario) && !context.Settings.Runs(BenchSettings.IngestScenario)
            && !context.Settings.Runs(BenchSettings.RealtimeScenario))
        {
            return (null, "not started (`--scenarios` left out mcp, ingest and realtime)");
        }

        if (!DeviceEdgeServer.Available(context))
        {
            return (null, "no device edge build (device-edge/ has no Facade.DeviceEdge.dll in this configuration)");
        }

        try
        {
            Log("starting the device edge");
            var devices = await DeviceEdgeServer.StartAsync(context, edge, url);
            Track(devices.Process);
            return (devices, null);
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or HttpRequestException or IOException)
        {
            return (null, $"the device edge did not start ({exception.Message.Split('\n')[0]}; logs in {context.Logs} with --keep)");
        }
    }

    private async Task<string> MeasureTokensAsync(Measurer measurer, EdgeServer edge, EdgeTokens tokens, CancellationToken cancel)
    {
        if (!context.Settings.Runs(BenchSettings.TokenScenario))
        {
            return "Not run (`--scenarios` left it out).";
        }

        var scenario = new TokenScenario(edge, tokens, context.Settings.GrantWorkers, context.Settings.Warmup);
        Log($"token endpoint: {scenario.Workers} workers, each with its own refresh token family");
        var targets = await scenario.PrepareAsync();
        var before = measurer.Problems.Count;
        await measurer.RunRoundsAsync(targets, [scenario.Workers], cancel);
        if (measurer.Problems.Count > before && scenario.LastError is not null)
        {
            measurer.Problems.Add("token endpoint: " + scenario.LastError);
        }

        return $"In-process load client ({scenario.Workers} concurrent workers, closed loop) on the same cores as the edge; " +
            "every refresh presents the newest refresh token of its family and must get a new pair back.";
    }

    private async Task<(IngestResult? Result, string Note)> MeasureIngestAsync(EdgeServer edge, EdgeTokens tokens, DeviceEdgeServer? devices,
        string? devicesFailure, CancellationToken cancel)
    {
        if (!context.Settings.Runs(BenchSettings.IngestScenario))
        {
            return (null, "Not run (`--scenarios` left it out).");
        }

        if (devices is null)
        {
            _problems.Add($"ingest: {devicesFailure}.");
            return (null, $"n/a: {devicesFailure}.");
        }

        if (Mosquitto.Binary() is null)
        {
            _problems.Add("ingest: mosquitto is not installed (./run.sh bench installs Debian's package).");
            return (null, "n/a: mosquitto is not installed.");
        }

        var scenario = new IngestScenario(context, edge, tokens, devices, server => Track(server));
        try
        {
            var result = await scenario.RunAsync(cancel);
            _problems.AddRange(result.Problems);
            _notes.AddRange(scenario.Notes);
            return (result, $"mosquitto {await Mosquitto.VersionAsync()}.");
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or HttpRequestException or IOException
            or System.Net.Sockets.SocketException)
        {
            // The other scenarios' figures still get their table; the run fails.
            var reason = exception.Message.Split('\n')[0];
            _problems.Add($"ingest: {reason} (logs in {context.Logs} with --keep)");
            _notes.AddRange(scenario.Notes);
            return (null, $"n/a: the scenario failed ({reason}).");
        }
    }

    private async Task<(RealtimeResult? Result, string Note)> MeasureRealtimeAsync(EdgeServer edge, EdgeTokens tokens, DeviceEdgeServer? devices,
        string? devicesFailure, CancellationToken cancel)
    {
        if (!context.Settings.Runs(BenchSettings.RealtimeScenario))
        {
            return (null, "Not run (`--scenarios` left it out).");
        }

        if (devices is null)
        {
            _problems.Add($"realtime: {devicesFailure}.");
            return (null, $"n/a: {devicesFailure}.");
        }

        try
        {
            Log($"realtime: {context.Settings.RealtimeSockets:N0} idle sockets, then fan-out to {context.Settings.RealtimeSubscribers:N0} subscribers");
            var result = await new RealtimeScenario(context, edge, tokens, devices).RunAsync(cancel);
            if (result.Delivered < result.Expected)
            {
                _problems.Add($"realtime: {result.Expected - result.Delivered:N0} of {result.Expected:N0} fan-out events never arrived.");
            }

            return (result, "Subscribers and the MQTT device run in the benchmark process, on the same two cores as the edge and the device edge.");
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or HttpRequestException or IOException
            or System.Net.WebSockets.WebSocketException or System.Net.Sockets.SocketException)
        {
            var reason = exception.Message.Split('\n')[0];
            _problems.Add($"realtime: {reason} (logs in {context.Logs} with --keep)");
            return (null, $"n/a: {reason}");
        }
    }

    /// <summary>Last, since it restarts the edge: process start to the first proxied 200 (docs/performance.md).</summary>
    private async Task<double?> MeasureColdStartAsync(EdgeServer edge, EdgeTokens tokens)
    {
        if (!context.Settings.Runs(BenchSettings.RestScenario))
        {
            return null;
        }

        _servers.Remove(edge.Process);
        try
        {
            var elapsed = await edge.RestartAndTimeFirstProxiedAsync(tokens.Access);
            Log($"cold start: {elapsed:0} ms from process start to the first proxied 200");
            return elapsed;
        }
        finally
        {
            Track(edge.Process);
        }
    }

    private ServerProcess Track(ServerProcess server)
    {
        _servers.Add(server);
        return server;
    }

    public async ValueTask StopAsync()
    {
        foreach (var server in Enumerable.Reverse(_servers))
        {
            await server.DisposeAsync();
        }
    }

    private static void Log(string message) => Console.Error.WriteLine("[bench] " + message);
}
