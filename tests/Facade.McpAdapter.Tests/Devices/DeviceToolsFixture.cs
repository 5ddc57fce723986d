using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Facade.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using MQTTnet;

namespace Facade.McpAdapter.Tests.Devices;

/// <summary>
/// The MCP adapter with the shipped catalog in front of a real device edge (REST and embedded MQTT broker), both
/// trusting one <see cref="TestIssuer"/>: the device tools called with real tokens against real devices. Tests stay
/// independent through their own users and device ids.
/// </summary>
public sealed class DeviceToolsFixture : IAsyncLifetime
{
    /// <summary>Every scope the eight device tools need together.</summary>
    public const string AllDeviceScopes = "devices:read devices:write telemetry:read commands:write rules:read rules:write";

    public TestIssuer Issuer { get; private set; } = null!;

    public DeviceEdgeHost Devices { get; private set; } = null!;

    public McpAdapterHost Adapter { get; private set; } = null!;

    /// <summary>Device edge settings for this fixture's device edge (e.g. a short command wait).</summary>
    public IDictionary<string, string?>? DeviceEdgeSettings { get; init; }

    public async ValueTask InitializeAsync()
    {
        Issuer = await TestIssuer.StartAsync();
        Devices = DeviceEdgeHost.Start(Issuer.BaseUrl, DeviceEdgeSettings);
        Adapter = McpAdapterHost.Start(McpAdapterHost.ReservePort(), Issuer.BaseUrl, legacyApiUrl: null, new Dictionary<string, string?>
        {
            ["Adapter:Backends:devices"] = Devices.BaseUrl.AbsoluteUri,
            ["Adapter:Revocations:ClientId"] = "facade-test-adapter",
            ["Adapter:Revocations:ClientSecret"] = "test-only-adapter-feed-secret",
        });
    }

    public async ValueTask DisposeAsync()
    {
        await Adapter.DisposeAsync();
        await Devices.DisposeAsync();
        await Issuer.DisposeAsync();
    }

    public static string NewUser() => "user-" + Guid.NewGuid().ToString("N");

    public static string NewDeviceId(string prefix = "dev") => $"{prefix}-{Guid.NewGuid():N}";

    public string Token(string user, string scope = AllDeviceScopes) => Issuer.Token(user, scope);

    /// <summary>The official SDK client connected straight to the adapter's <c>/mcp</c> with a bearer token (no OAuth flow).</summary>
    public async Task<McpClient> ConnectAsync(string user, string scope = AllDeviceScopes)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(Adapter.BaseUrl, "mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + Token(user, scope) },
        });
        return await McpClient.CreateAsync(transport, new McpClientOptions { DiscoverProbeTimeout = TimeSpan.FromSeconds(60) },
            cancellationToken: TestContext.Current.CancellationToken);
    }

    /// <summary>Provisions a device for <paramref name="owner"/> over the device edge's REST API; returns its id and secret.</summary>
    public async Task<(string Id, string Secret)> ProvisionAsync(string owner, string name, string type = "sensor", params string[] tags)
    {
        var id = NewDeviceId(type);
        var body = JsonSerializer.Serialize(new { id, name, type, tags, firmwareVersion = "1.4.2" });
        using var response = await RestAsync(owner, HttpMethod.Post, "devices", body);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {text}");
        return (id, JsonDocument.Parse(text).RootElement.GetProperty("secret").GetString()!);
    }

    /// <summary>A REST call to the device edge as <paramref name="user"/> (for set-up the tools do not cover: provisioning, shares, rules).</summary>
    public async Task<HttpResponseMessage> RestAsync(string user, HttpMethod method, string path, string? body = null, string scope = AllDeviceScopes)
    {
        using var client = Devices.CreateHttpClient(Token(user, scope));
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>The device, connected to the broker with its own credentials.</summary>
    public async Task<TestDevice> ConnectDeviceAsync((string Id, string Secret) device)
    {
        var (connected, result) = await TestDevice.ConnectAsync(Devices.MqttPort, device.Id, device.Secret, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        await Devices.WaitUntilConnectedAsync(device.Id, TestContext.Current.CancellationToken);
        return connected;
    }

    /// <summary>Publishes one telemetry message (QoS 1: the broker acknowledges it once it is stored).</summary>
    public static async Task PublishAsync(TestDevice device, string metrics, DateTimeOffset? at = null)
    {
        var ts = at is { } time ? $"\"ts\":{time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}," : "";
        var ack = await device.PublishAsync($"devices/{device.DeviceId}/telemetry", $$"""{{{ts}}"metrics":{{metrics}}}""",
            cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(MqttClientPublishReasonCode.Success, ack.ReasonCode);
    }

    public static string Text(CallToolResult result) =>
        string.Join("\n", result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    /// <summary>The tool's JSON answer (asserting it is not an error).</summary>
    public static JsonElement Answer(CallToolResult result)
    {
        Assert.True(result.IsError is not true, Text(result));
        return JsonDocument.Parse(Text(result)).RootElement.Clone();
    }
}
