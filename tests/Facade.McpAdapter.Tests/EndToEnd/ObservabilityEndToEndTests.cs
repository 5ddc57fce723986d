using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Facade.Testing;
using MQTTnet;

namespace Facade.McpAdapter.Tests.EndToEnd;

/// <summary>
/// With a collector configured (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, here a real OTLP/HTTP receiver on loopback), a
/// request is one trace across the services: the trace id a caller sends reaches the legacy backend through the edge
/// (REST) and through the edge and the adapter (MCP <c>tools/call</c>), and a device through the edge and the device
/// edge (the command's MQTT 5 <c>traceparent</c>). The services export those spans, and the metrics exports carry our
/// own instruments: tokens issued, rate-limit rejections, MQTT messages, commands.
/// </summary>
/// <remarks>
/// Runs alone (<see cref="ObservabilityCollection"/>): meters are process-wide, and OpenTelemetry's meter provider
/// listens to every <c>Facade.Edge</c> meter in the process, so when another test's edge stops and disposes its
/// meter, the metric stream this edge shares with it ends and later measurements go unexported.
/// </remarks>
[Collection(nameof(ObservabilityCollection))]
public sealed class ObservabilityEndToEndTests : IAsyncLifetime
{
    private const int Permits = 8;
    private static readonly TimeSpan ExportWait = TimeSpan.FromSeconds(20);

    private OtlpSink _sink = null!;
    private FacadeStack _stack = null!;

    public async ValueTask InitializeAsync()
    {
        _sink = await OtlpSink.StartAsync();
        var edge = _sink.Settings("facade-edge");
        edge["Facade:RateLimits:Policies:per-caller:PermitLimit"] = Permits.ToString(System.Globalization.CultureInfo.InvariantCulture);
        edge["Facade:RateLimits:Policies:per-caller:Window"] = "00:10:00";
        _stack = FacadeStack.Start(edge, _sink.Settings("facade-mcp-adapter"), withDevices: true, deviceSettings: _sink.Settings("facade-device-edge"));
    }

    public async ValueTask DisposeAsync()
    {
        await _stack.DisposeAsync();
        await _sink.DisposeAsync();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OneTraceId_ReachesBackendAndDevice_ThroughEveryHop_AndIsExported()
    {
        // The caller's own trace context, sent as it is: the collector listens in this process too, and HttpClient
        // would otherwise start a span of its own and send that instead.
        using var http = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = _stack.Edge.BaseUrl };

        // REST: caller → edge → legacy backend.
        var restToken = await TokenAsync("tasks:read devices:read devices:write commands:write", resource: null);
        var restTrace = ActivityTraceId.CreateRandom();
        using (var get = Traced(HttpMethod.Get, "api/tasks", restTrace, restToken))
        using (var response = await http.SendAsync(get, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        AssertBackendSaw(restTrace);

        // MCP: caller → edge → adapter → legacy backend.
        var mcpToken = await TokenAsync("tasks:read", resource: _stack.McpUrl.AbsoluteUri);
        var mcpTrace = ActivityTraceId.CreateRandom();
        using (var call = Traced(HttpMethod.Post, "mcp", mcpTrace, mcpToken))
        {
            call.Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_tasks","arguments":{}}}""", Encoding.UTF8, "application/json");
            call.Headers.Accept.ParseAdd("application/json");
            call.Headers.Accept.ParseAdd("text/event-stream");
            call.Headers.Add("MCP-Protocol-Version", "2025-11-25");
            using var response = await http.SendAsync(call, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        AssertBackendSaw(mcpTrace);

        // Devices: caller → edge → device edge → MQTT → device.
        using var device = await ConnectDeviceAsync(http, restToken, "traced-device");
        await device.SubscribeAsync($"devices/{device.DeviceId}/commands/+", Ct);
        await device.PublishAsync($"devices/{device.DeviceId}/telemetry", """{"temperature":21.5}""", cancellationToken: Ct);
        var commandTrace = ActivityTraceId.CreateRandom();
        using (var send = Traced(HttpMethod.Post, $"devices/{device.DeviceId}/commands", commandTrace, restToken))
        {
            send.Content = new StringContent("""{"name":"reboot"}""", Encoding.UTF8, "application/json");
            using var response = await http.SendAsync(send, Ct);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var command = await device.ReceiveAsync(m => m.Topic.StartsWith($"devices/{device.DeviceId}/commands/", StringComparison.Ordinal), Ct);
        Assert.Equal(commandTrace.ToHexString(), TraceIdOf(command.TraceParent));

        // Over the limit without a token: the address's window runs out (401 first, then 429).
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= Permits; i++)
        {
            using var anonymous = await http.GetAsync("api/tasks", Ct);
            statuses.Add(anonymous.StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);

        foreach (var trace in new[] { restTrace, mcpTrace, commandTrace })
        {
            Assert.True(await _sink.WaitForAsync("traces", Convert.FromHexString(trace.ToHexString()), ExportWait, Ct), $"no span of trace {trace} was exported");
        }

        foreach (var instrument in new[] { "facade.tokens.issued", "facade.ratelimit.rejected", "facade.mqtt.messages", "facade.commands", "http.server.request.duration" })
        {
            Assert.True(await _sink.WaitForAsync("metrics", Encoding.UTF8.GetBytes(instrument), ExportWait, Ct), $"no export of the metric {instrument}");
        }
    }

    private void AssertBackendSaw(ActivityTraceId trace)
    {
        var received = _stack.Legacy.Requests.Select(r => r.Header("traceparent")).ToList();
        Assert.True(received.Any(p => TraceIdOf(p) == trace.ToHexString()), $"trace {trace} did not reach the backend; it saw {string.Join(", ", received)}");
    }

    private async Task<string> TokenAsync(string scope, string? resource)
    {
        using var oauth = new OAuthTestClient(_stack.Edge.BaseUrl);
        var (_, token) = await oauth.GetTokenAsync(scope, resource: resource, cancellationToken: Ct);
        return token.AccessToken ?? throw new InvalidOperationException("no access token");
    }

    private static HttpRequestMessage Traced(HttpMethod method, string path, ActivityTraceId trace, string token)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("traceparent", $"00-{trace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        return request;
    }

    /// <summary>The trace id of a W3C <c>traceparent</c> (<c>00-{trace}-{span}-{flags}</c>), or null.</summary>
    private static string? TraceIdOf(string? traceParent) =>
        traceParent?.Split('-') is [_, var trace, _, _] ? trace : null;

    private async Task<TestDevice> ConnectDeviceAsync(HttpClient http, string token, string id)
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, "devices")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { id, name = "Traced", type = "sensor" }), Encoding.UTF8, "application/json"),
        };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var created = await http.SendAsync(create, Ct);
        var body = await created.Content.ReadAsStringAsync(Ct);
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"{created.StatusCode}: {body}");
        var secret = JsonDocument.Parse(body).RootElement.GetProperty("secret").GetString();
        var (device, result) = await TestDevice.ConnectAsync(_stack.Devices!.MqttPort, id, secret, cancellationToken: Ct);
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        return device;
    }
}

[CollectionDefinition(nameof(ObservabilityCollection), DisableParallelization = true)]
public sealed class ObservabilityCollection;
