using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Facade.McpAdapter.Tests.Devices;
using Facade.Testing;
using ModelContextProtocol.Client;
using MQTTnet;

namespace Facade.McpAdapter.Tests.EndToEnd;

/// <summary>
/// The whole system with the device edge: the official SDK client signs in through the edge (discovery, registration,
/// login, consent, PKCE, token), lists the device tools and uses them on a real MQTT device the signed-in user owns:
/// a sensor reading and a command the device acknowledges. A client signed in without <c>commands:write</c> gets HTTP
/// 403 insufficient_scope for send_command, steps up and succeeds.
/// </summary>
public sealed class DeviceToolsEndToEndTests : IAsyncLifetime
{
    private static readonly string[] DeviceTools =
        ["list_devices", "get_device", "get_fleet_status", "read_sensor", "get_history", "send_command", "configure_device", "list_alerts"];

    private FacadeStack _stack = null!;

    public ValueTask InitializeAsync()
    {
        _stack = FacadeStack.Start(withDevices: true);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _stack.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SdkClient_SignsIn_ReadsASensor_AndSwitchesARelay_OnTheUsersDevice()
    {
        using var device = await ProvisionConnectedDeviceAsync("greenhouse-e2e", "Greenhouse controller");
        await PublishAsync(device, """{"temperature":31.5,"relay_1":0}""");
        await using var responder = await CommandResponder.StartAsync(device,
            (name, parameters) => name == "set_relay" ? CommandResponder.Ok(new JsonObject { ["relay"] = parameters["relay"]!.DeepClone(), ["on"] = parameters["on"]!.DeepClone() }) : null);
        var clients = new McpClients(_stack);
        await using var client = await clients.ConnectAsync(cancellationToken: Ct);

        var tools = (await client.ListToolsAsync(cancellationToken: Ct)).Select(t => t.Name).ToHashSet();
        Assert.Superset(DeviceTools.ToHashSet(), tools);

        var reading = await client.CallToolAsync("read_sensor",
            new Dictionary<string, object?> { ["device_id"] = "greenhouse-e2e", ["sensor_key"] = "temperature" }, cancellationToken: Ct);
        var value = DeviceToolsFixture.Answer(reading);
        Assert.Equal((31.5, "°C"), (value.GetProperty("value").GetDouble(), value.GetProperty("unit").GetString()));

        var command = await client.CallToolAsync("send_command", new Dictionary<string, object?>
        {
            ["device_id"] = "greenhouse-e2e",
            ["command"] = "set_relay",
            ["params"] = new Dictionary<string, object?> { ["relay"] = 1, ["on"] = true },
        }, cancellationToken: Ct);
        var done = DeviceToolsFixture.Answer(command);
        Assert.Equal("acknowledged", done.GetProperty("status").GetString());
        Assert.True(done.GetProperty("result").GetProperty("on").GetBoolean());
        var received = Assert.Single(responder.Received);
        Assert.Equal(("set_relay", 1), (received["name"]!.GetValue<string>(), received["params"]!["relay"]!.GetValue<int>()));
        Assert.Equal(1, clients.AuthorizationCount);
    }

    [Fact]
    public async Task SendCommand_WithoutCommandsWrite_GetsInsufficientScope_StepsUp_AndSucceeds()
    {
        using var device = await ProvisionConnectedDeviceAsync("heater-e2e", "Heater");
        await using var responder = await CommandResponder.StartAsync(device, (_, _) => CommandResponder.Ok(new JsonObject { ["rebooting"] = true }));
        var clients = new McpClients(_stack);
        await using var client = await clients.ConnectAsync(firstScopes: ["devices:read", "telemetry:read"], cancellationToken: Ct);

        // Signed in without commands:write, the client still sees send_command and the scope it needs.
        var sendCommand = Assert.Single(await client.ListToolsAsync(cancellationToken: Ct), t => t.Name == "send_command");
        Assert.Equal("[\"commands:write\"]", sendCommand.ProtocolTool.Meta?["facade/scopes"]?.ToJsonString());
        var status = DeviceToolsFixture.Answer(await client.CallToolAsync("get_fleet_status", new Dictionary<string, object?>(), cancellationToken: Ct));
        Assert.Equal(1, status.GetProperty("online").GetInt32());
        Assert.Equal(1, clients.AuthorizationCount);

        // The call is answered with HTTP 403 insufficient_scope (scope="commands:write"); the SDK signs in again for it
        // and repeats the call with the new token.
        var command = await client.CallToolAsync("send_command",
            new Dictionary<string, object?> { ["device_id"] = "heater-e2e", ["command"] = "reboot" }, cancellationToken: Ct);

        Assert.Equal("acknowledged", DeviceToolsFixture.Answer(command).GetProperty("status").GetString());
        Assert.Equal(2, clients.AuthorizationCount);
        Assert.Equal("reboot", Assert.Single(responder.Received)["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task WithoutTheScope_TheAdapterAnswers403_NamingCommandsWrite_ThroughTheEdge()
    {
        using var oauth = new OAuthTestClient(_stack.Edge.BaseUrl);
        var (_, token) = await oauth.GetTokenAsync("devices:read telemetry:read", resource: _stack.McpUrl.AbsoluteUri, cancellationToken: Ct);
        using var http = new HttpClient { BaseAddress = _stack.Edge.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, "mcp")
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"send_command","arguments":{"device_id":"x","command":"reboot"}}}""",
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", "2025-11-25");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);

        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.Contains("scope=\"commands:write\"", challenge, StringComparison.Ordinal);
        Assert.Contains($"resource_metadata=\"{_stack.Edge.BaseUrl}.well-known/oauth-protected-resource/mcp\"", challenge, StringComparison.Ordinal);
    }

    /// <summary>Provisions a device for the demo user through the edge's <c>/devices</c> route (with a token from the edge) and connects it.</summary>
    private async Task<TestDevice> ProvisionConnectedDeviceAsync(string id, string name)
    {
        using var oauth = new OAuthTestClient(_stack.Edge.BaseUrl);
        var (_, token) = await oauth.GetTokenAsync("devices:read devices:write", cancellationToken: Ct);
        using var http = new HttpClient { BaseAddress = _stack.Edge.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        using var created = await http.PostAsync("devices",
            new StringContent(JsonSerializer.Serialize(new { id, name, type = "controller" }), Encoding.UTF8, "application/json"), Ct);
        var body = await created.Content.ReadAsStringAsync(Ct);
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"{created.StatusCode}: {body}");
        var secret = JsonDocument.Parse(body).RootElement.GetProperty("secret").GetString();
        var (device, result) = await TestDevice.ConnectAsync(_stack.Devices!.MqttPort, id, secret, cancellationToken: Ct);
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        await _stack.Devices!.WaitUntilConnectedAsync(id, Ct);
        return device;
    }

    private static Task PublishAsync(TestDevice device, string metrics) => DeviceToolsFixture.PublishAsync(device, metrics);
}
