using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Facade.Proxy.AuthorizationServer;
using Facade.Proxy.Data;
using Facade.Proxy.Ledger;
using Facade.Proxy.Realtime;
using Facade.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;

namespace Facade.Proxy.Tests.Realtime;

/// <summary>
/// The whole stack with the device edge (edge, adapter, device edge wired together, real MQTT), waiting until the edge
/// reads the device edge's event feed; helpers for users, their tokens, devices, shares and realtime clients. Tests
/// stay independent by using users and devices of their own.
/// </summary>
public class RealtimeFixture : IAsyncLifetime
{
    public const string AllChannelScopes = "devices:read telemetry:read rules:read";

    public FacadeStack Stack { get; private set; } = null!;

    public FacadeHost Edge => Stack.Edge;

    public DeviceEdgeHost Devices => Stack.Devices!;

    public Uri WebSocketUrl => new($"ws://{Edge.BaseUrl.Authority}/realtime");

    internal RealtimeHub Hub => Edge.Services.GetRequiredService<RealtimeHub>();

    internal DeviceEdgeFeed Feed => Edge.Services.GetRequiredService<DeviceEdgeFeed>();

    /// <summary>Short heartbeats and access re-checks, few connections and subscriptions: each limit is reached quickly.</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Facade:Realtime:HeartbeatInterval"] = "00:00:01",
        ["Facade:Realtime:AccessRecheckInterval"] = "00:00:01",
        ["Facade:Realtime:MaxConnectionsPerUser"] = "3",
        ["Facade:Realtime:MaxSubscriptionsPerConnection"] = "3",
    };

    protected virtual Action<IServiceCollection>? Services => null;

    public virtual async ValueTask InitializeAsync()
    {
        Stack = FacadeStack.Start(Settings, services: Services, withDevices: true);
        await StartedAsync();
        await WaitForFeedAsync(1);
    }

    /// <summary>After the stack started, before waiting for the feed (e.g. to start more device-edge workers).</summary>
    protected virtual Task StartedAsync() => Task.CompletedTask;

    public virtual async ValueTask DisposeAsync()
    {
        if (Stack is not null)
        {
            await Stack.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Until the edge has opened the device edge's feed <paramref name="times"/> times and is connected.</summary>
    public async Task WaitForFeedAsync(long times)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(Feed.Connected && Feed.Connections >= times))
        {
            Assert.True(DateTime.UtcNow < deadline, "The edge did not connect to the device edge's feed.");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    internal async Task<FacadeUser> CreateUserAsync()
    {
        await using var scope = Edge.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<FacadeUser>>();
        var user = new FacadeUser { UserName = "rt-" + Guid.NewGuid().ToString("N")[..12] };
        var created = await users.CreateAsync(user, "realtime-password-1");
        Assert.True(created.Succeeded, string.Join(", ", created.Errors.Select(e => e.Description)));
        return user;
    }

    /// <summary>A real access token of <paramref name="user"/> (signed by the edge, in its ledger), minted the way first-party and key tokens are.</summary>
    internal async Task<string> TokenAsync(FacadeUser user, string scope, TimeSpan? lifetime = null) =>
        (await MintAsync(user, scope, lifetime)).Jwt;

    internal Task<MintedToken> MintAsync(FacadeUser user, string scope, TimeSpan? lifetime = null) =>
        Edge.Services.GetRequiredService<AccessTokenMinter>().MintAsync(
            new AccessTokenRequest(user, scope, "realtime-tests", ApiToken.OAuthLabel, lifetime ?? TimeSpan.FromMinutes(10)),
            TestContext.Current.CancellationToken);

    public HttpClient EdgeClient(string token)
    {
        var client = Edge.CreateHttpClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A device of <paramref name="owner"/>, provisioned through the edge's <c>/devices</c> route; connected over MQTT unless told not to.</summary>
    internal async Task<(string Id, string Secret, TestDevice? Device)> ProvisionAsync(FacadeUser owner, bool connect = true)
    {
        var id = "rt-" + Guid.NewGuid().ToString("N")[..16];
        using var http = EdgeClient(await TokenAsync(owner, "devices:read devices:write"));
        using var created = await http.PostAsync("devices",
            new StringContent(JsonSerializer.Serialize(new { id, name = "Realtime test device", type = "sensor" }), Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);
        var body = await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"{created.StatusCode}: {body}");
        var secret = JsonDocument.Parse(body).RootElement.GetProperty("secret").GetString()!;
        return (id, secret, connect ? await ConnectDeviceAsync(id, secret) : null);
    }

    public async Task<TestDevice> ConnectDeviceAsync(string id, string secret)
    {
        var (device, result) = await TestDevice.ConnectAsync(Devices.MqttPort, id, secret, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        await Devices.WaitUntilConnectedAsync(id, TestContext.Current.CancellationToken);
        return device;
    }

    internal async Task ShareAsync(FacadeUser owner, string deviceId, FacadeUser with, bool share = true)
    {
        using var http = EdgeClient(await TokenAsync(owner, "devices:read devices:write"));
        using var request = new HttpRequestMessage(share ? HttpMethod.Put : HttpMethod.Delete, $"devices/{deviceId}/shares/{with.Id}")
        {
            Content = share ? new StringContent("""{"access":"read"}""", Encoding.UTF8, "application/json") : null,
        };
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
    }

    public static async Task PublishTelemetryAsync(TestDevice device, string metrics)
    {
        ArgumentNullException.ThrowIfNull(device);
        var ack = await device.PublishAsync($"devices/{device.DeviceId}/telemetry", $$"""{"metrics":{{metrics}}}""",
            cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(MqttClientPublishReasonCode.Success, ack.ReasonCode);
    }

    /// <summary>A connected client with <c>Authorization: Bearer</c> (the default form), after its welcome.</summary>
    public async Task<RealtimeClient> ConnectAsync(string bearer)
    {
        var client = await RealtimeClient.ConnectAsync(WebSocketUrl, o => o.SetRequestHeader("Authorization", "Bearer " + bearer));
        var welcome = await client.ReceiveAsync();
        Assert.Equal("welcome", welcome.GetProperty("type").GetString());
        return client;
    }

    /// <summary>The status the upgrade got, for a refused one (the client throws; the status is in the response details).</summary>
    public async Task<HttpStatusCode> RefusedUpgradeAsync(Action<ClientWebSocketOptions> configure, string query = "")
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        configure(socket.Options);
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri(WebSocketUrl + query), TestContext.Current.CancellationToken));
        return socket.HttpStatusCode;
    }
}
