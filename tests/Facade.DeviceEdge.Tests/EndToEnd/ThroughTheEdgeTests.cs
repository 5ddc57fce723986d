using System.Net;
using System.Net.Http.Headers;
using Facade.Testing;
using MQTTnet;

namespace Facade.DeviceEdge.Tests.EndToEnd;

/// <summary>
/// The real edge in front of the device edge: a user signs in at the edge (OAuth code + PKCE, login and consent), and
/// that one token provisions a device through the edge's <c>/devices</c> route, reads it back, and works directly
/// against the device edge too; the device then connects with the secret it was given.
/// </summary>
public sealed class ThroughTheEdgeTests : IAsyncLifetime
{
    private FacadeHost _edge = null!;
    private DeviceEdgeHost _devices = null!;

    public ValueTask InitializeAsync()
    {
        var port = McpAdapterHost.ReservePort();
        var settings = DeviceEdgeHost.EdgeSettings();
        settings["ReverseProxy:Clusters:device-edge:Destinations:primary:Address"] = $"http://127.0.0.1:{port}/";
        _edge = FacadeHost.Start(settings: settings);
        _devices = DeviceEdgeHost.Start(_edge.BaseUrl, port: port);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _devices.DisposeAsync();
        await _edge.DisposeAsync();
    }

    [Fact]
    public async Task OneToken_ProvisionsThroughTheEdge_AndTheDeviceConnects()
    {
        var ct = TestContext.Current.CancellationToken;
        using var oauth = new OAuthTestClient(_edge.BaseUrl);
        var (_, token) = await oauth.GetTokenAsync("devices:read devices:write", cancellationToken: ct);
        Assert.Equal(HttpStatusCode.OK, token.Status);
        using var viaEdge = Client(_edge.BaseUrl, token.AccessToken!);

        var (created, device) = await viaEdge.SendJsonAsync(HttpMethod.Post, "devices", """{"id":"e2e-boiler","name":"Boiler","type":"thermometer"}""");
        Assert.Equal(HttpStatusCode.Created, created);
        var (mqttDevice, connect) = await TestDevice.ConnectAsync(_devices.MqttPort, "e2e-boiler", device.Text("secret"), cancellationToken: ct);
        using (mqttDevice)
        {
            Assert.Equal(MqttClientConnectResultCode.Success, connect.ResultCode);
            await _devices.WaitUntilConnectedAsync("e2e-boiler", ct);
            var (listed, list) = await viaEdge.SendJsonAsync(HttpMethod.Get, "devices");
            using var direct = Client(_devices.BaseUrl, token.AccessToken!);
            var (read, json) = await direct.SendJsonAsync(HttpMethod.Get, "devices/e2e-boiler");

            Assert.Equal(HttpStatusCode.OK, listed);
            Assert.Equal("e2e-boiler", Assert.Single(list.GetProperty("devices").EnumerateArray()).Text("id"));
            Assert.Equal(HttpStatusCode.OK, read);
            Assert.Equal("owner", json.Text("access"));
            Assert.True(json.GetProperty("status").GetProperty("online").GetBoolean());
        }
    }

    [Fact]
    public async Task ReadOnlyToken_IsStoppedAtTheEdge_ForWrites()
    {
        var ct = TestContext.Current.CancellationToken;
        using var oauth = new OAuthTestClient(_edge.BaseUrl);
        var (_, token) = await oauth.GetTokenAsync("devices:read", cancellationToken: ct);
        using var viaEdge = Client(_edge.BaseUrl, token.AccessToken!);

        var (status, json) = await viaEdge.SendJsonAsync(HttpMethod.Post, "devices", """{"name":"x","type":"y"}""");
        var (summary, _) = await viaEdge.SendJsonAsync(HttpMethod.Get, "devices/summary");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("insufficient_scope", json.Text("error"));
        Assert.Equal(HttpStatusCode.OK, summary);
    }

    [Fact]
    public async Task TelemetryRoute_NeedsTelemetryRead_NotDevicesRead()
    {
        var ct = TestContext.Current.CancellationToken;
        using var oauth = new OAuthTestClient(_edge.BaseUrl);
        var (_, full) = await oauth.GetTokenAsync("devices:read devices:write", cancellationToken: ct);
        var (_, telemetryOnly) = await oauth.GetTokenAsync("telemetry:read", cancellationToken: ct);
        using var owner = Client(_edge.BaseUrl, full.AccessToken!);
        var (created, device) = await owner.SendJsonAsync(HttpMethod.Post, "devices", """{"id":"e2e-thermometer","name":"Hall","type":"thermometer"}""");
        Assert.Equal(HttpStatusCode.Created, created);
        var (mqttDevice, _) = await TestDevice.ConnectAsync(_devices.MqttPort, "e2e-thermometer", device.Text("secret"), cancellationToken: ct);
        using (mqttDevice)
        {
            var ack = await mqttDevice.PublishAsync("devices/e2e-thermometer/telemetry", """{"metrics":{"temperature":19.5}}""", cancellationToken: ct);
            Assert.Equal(MqttClientPublishReasonCode.Success, ack.ReasonCode);
        }

        using var reader = Client(_edge.BaseUrl, telemetryOnly.AccessToken!);
        var (status, latest) = await reader.SendJsonAsync(HttpMethod.Get, "devices/e2e-thermometer/telemetry/temperature/latest");
        var (listed, _) = await reader.SendJsonAsync(HttpMethod.Get, "devices/e2e-thermometer");
        var (ownerRead, ownerJson) = await owner.SendJsonAsync(HttpMethod.Get, "devices/e2e-thermometer/telemetry/latest");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(19.5, latest.GetProperty("value").GetDouble());
        Assert.Equal(HttpStatusCode.Forbidden, listed);
        Assert.Equal(HttpStatusCode.Forbidden, ownerRead);
        Assert.Equal("telemetry:read", ownerJson.Text("scope"));
    }

    [Fact]
    public async Task AlertRules_ThroughTheEdge_ReadNeedsRulesRead_WriteNeedsRulesWrite()
    {
        var ct = TestContext.Current.CancellationToken;
        using var oauth = new OAuthTestClient(_edge.BaseUrl);
        var (_, reader) = await oauth.GetTokenAsync("rules:read", cancellationToken: ct);
        var (_, writer) = await oauth.GetTokenAsync("rules:read rules:write", cancellationToken: ct);
        using var readOnly = Client(_edge.BaseUrl, reader.AccessToken!);
        using var readWrite = Client(_edge.BaseUrl, writer.AccessToken!);
        const string rule = """{"name":"Hot","metric":"temperature","operator":">","threshold":30,"channel":{"type":"mqtt","topic":"alerts/e2e"}}""";

        var (refused, error) = await readOnly.SendJsonAsync(HttpMethod.Post, "alerts/rules", rule);
        var (created, json) = await readWrite.SendJsonAsync(HttpMethod.Post, "alerts/rules", rule);
        var (listed, overview) = await readOnly.SendJsonAsync(HttpMethod.Get, "alerts");
        var (deleteRefused, _) = await readOnly.SendJsonAsync(HttpMethod.Delete, $"alerts/rules/{json.Text("id")}");

        Assert.Equal(HttpStatusCode.Forbidden, refused);
        Assert.Equal(("insufficient_scope", "rules:write"), (error.Text("error"), error.Text("scope")));
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal(HttpStatusCode.OK, listed);
        Assert.Equal(json.Text("id"), Assert.Single(overview.GetProperty("rules").EnumerateArray()).Text("id"));
        Assert.Equal(HttpStatusCode.Forbidden, deleteRefused);
    }

    [Fact]
    public async Task CommandRoute_NeedsCommandsWrite_NotDevicesWrite()
    {
        var ct = TestContext.Current.CancellationToken;
        using var oauth = new OAuthTestClient(_edge.BaseUrl);
        var (_, manager) = await oauth.GetTokenAsync("devices:read devices:write", cancellationToken: ct);
        var (_, operatorToken) = await oauth.GetTokenAsync("commands:write", cancellationToken: ct);
        using var owner = Client(_edge.BaseUrl, manager.AccessToken!);
        using var commander = Client(_edge.BaseUrl, operatorToken.AccessToken!);
        var (created, _) = await owner.SendJsonAsync(HttpMethod.Post, "devices", """{"id":"e2e-relay","name":"Pump","type":"relay"}""");
        Assert.Equal(HttpStatusCode.Created, created);
        const string command = """{"name":"set_relay","params":{"relay":1,"on":true},"timeoutSeconds":5}""";

        var (refused, error) = await owner.SendJsonAsync(HttpMethod.Post, "devices/e2e-relay/commands", command);
        var (accepted, sent) = await commander.SendJsonAsync(HttpMethod.Post, "devices/e2e-relay/commands", command);

        Assert.Equal(HttpStatusCode.Forbidden, refused);
        Assert.Equal(("insufficient_scope", "commands:write"), (error.Text("error"), error.Text("scope")));
        Assert.Equal(HttpStatusCode.Accepted, accepted);
        Assert.Equal("pending", sent.Text("status"));
    }

    private static HttpClient Client(Uri baseUrl, string token)
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = baseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task TokenRevokedAtTheEdge_IsRefusedByTheDeviceEdgeReachedDirectly_WithinSeconds()
    {
        var ct = TestContext.Current.CancellationToken;
        using var oauth = new OAuthTestClient(_edge.BaseUrl);
        var (client, token) = await oauth.GetTokenAsync("devices:read", cancellationToken: ct);
        using var direct = Client(_devices.BaseUrl, token.AccessToken!);
        var (before, _) = await direct.SendJsonAsync(HttpMethod.Get, "devices");
        Assert.Equal(HttpStatusCode.OK, before);

        using var revoke = await oauth.Api.PostAsync("oauth/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = token.AccessToken!,
            ["client_id"] = client.ClientId,
        }), ct);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        var deadline = DateTime.UtcNow.AddSeconds(15);
        HttpStatusCode status;
        do
        {
            (status, _) = await direct.SendJsonAsync(HttpMethod.Get, "devices");
            if (status != HttpStatusCode.OK)
            {
                break;
            }

            await Task.Delay(100, ct);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }
}
