using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Facade.DeviceEdge.Realtime;
using Facade.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Tests.Realtime;

/// <summary>
/// The realtime event feed the edge reads (<c>GET /realtime/feed</c>, NDJSON, scope <c>realtime:feed</c>) and the device
/// access check (<c>GET /devices/{id}/access</c>), over a real device edge with real MQTT devices.
/// </summary>
public sealed class RealtimeFeedTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    private const string FeedScope = "realtime:feed";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Feed_CarriesTelemetryStatusAndCommandEvents_AsNdjson()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var provisioned = await fixture.ProvisionAsync(owner);
        using var feed = fixture.Host.CreateHttpClient(fixture.Issuer.Token("service:facade-edge", FeedScope));
        using var response = await feed.GetAsync("realtime/feed", HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        using var lines = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));

        using var device = await fixture.ConnectAsync(provisioned);
        var online = await NextAsync(lines, "status", provisioned.Id);
        Assert.True(online.GetProperty("data").GetProperty("online").GetBoolean());

        await device.PublishAsync($"devices/{provisioned.Id}/telemetry", """{"metrics":{"temperature":21.5}}""", cancellationToken: Ct);
        var telemetry = await NextAsync(lines, "telemetry", provisioned.Id);
        Assert.Equal(21.5, telemetry.GetProperty("data").GetProperty("metrics").GetProperty("temperature").GetDouble());
        Assert.True(telemetry.TryGetProperty("time", out _));

        using var client = fixture.Client(owner, "devices:read commands:write");
        var (status, _) = await client.SendJsonAsync(HttpMethod.Post, $"devices/{provisioned.Id}/commands", """{"name":"reboot"}""");
        Assert.Equal(HttpStatusCode.Accepted, status);
        var created = await NextAsync(lines, "command", provisioned.Id);
        Assert.Equal("created", created.GetProperty("data").GetProperty("event").GetString());
    }

    [Fact]
    public async Task Feed_IdleStream_CarriesHeartbeats()
    {
        await using var host = fixture.StartHost(new Dictionary<string, string?> { ["DeviceEdge:Realtime:HeartbeatInterval"] = "00:00:01" });
        using var feed = host.CreateHttpClient(fixture.Issuer.Token("service:facade-edge", FeedScope));
        using var response = await feed.GetAsync("realtime/feed", HttpCompletionOption.ResponseHeadersRead, Ct);
        using var lines = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));

        var line = await lines.ReadLineAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal("""{"kind":"heartbeat"}""", line);
    }

    [Theory]
    [InlineData("devices:read telemetry:read rules:read")]
    [InlineData("agents:serve")]
    public async Task Feed_WithoutTheFeedScope_Is403(string scope)
    {
        using var client = fixture.Client(DeviceEdgeFixture.NewUser(), scope);
        using var response = await client.GetAsync("realtime/feed", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("realtime:feed", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Feed_WithoutAToken_Is401()
    {
        using var client = fixture.Host.CreateHttpClient();
        using var response = await client.GetAsync("realtime/feed", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Access_OwnerShareAndStranger()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var friend = DeviceEdgeFixture.NewUser();
        var provisioned = await fixture.ProvisionAsync(owner);
        using (var ownerClient = fixture.Client(owner))
        {
            var (shared, _) = await ownerClient.SendJsonAsync(HttpMethod.Put, $"devices/{provisioned.Id}/shares/{friend}", """{"access":"read"}""");
            Assert.True(shared is HttpStatusCode.OK or HttpStatusCode.Created or HttpStatusCode.NoContent, shared.ToString());
        }

        // No particular scope is needed: the realtime hub asks with the subscriber's own token, whatever it carries.
        using var asOwner = fixture.Client(owner, "telemetry:read");
        using var asFriend = fixture.Client(friend, "rules:read");
        using var asStranger = fixture.Client(DeviceEdgeFixture.NewUser(), "devices:read");

        var (ownerStatus, ownerJson) = await asOwner.SendJsonAsync(HttpMethod.Get, $"devices/{provisioned.Id}/access", null);
        var (friendStatus, friendJson) = await asFriend.SendJsonAsync(HttpMethod.Get, $"devices/{provisioned.Id}/access", null);
        var (strangerStatus, _) = await asStranger.SendJsonAsync(HttpMethod.Get, $"devices/{provisioned.Id}/access", null);
        var (unknownStatus, _) = await asOwner.SendJsonAsync(HttpMethod.Get, $"devices/{DeviceEdgeFixture.NewDeviceId()}/access", null);

        Assert.Equal((HttpStatusCode.OK, "owner", provisioned.Id), (ownerStatus, ownerJson.Text("access"), ownerJson.Text("device")));
        Assert.Equal((HttpStatusCode.OK, "shared"), (friendStatus, friendJson.Text("access")));
        Assert.Equal(HttpStatusCode.NotFound, strangerStatus);
        Assert.Equal(HttpStatusCode.NotFound, unknownStatus);
    }

    [Fact]
    public async Task Access_WithoutAToken_Is401()
    {
        using var client = fixture.Host.CreateHttpClient();
        using var response = await client.GetAsync("devices/anything/access", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public void Broadcaster_AConsumerThatFallsBehind_IsDroppedAlone_AndNeverHoldsMoreThanItsBound()
    {
        var broadcaster = new RealtimeBroadcaster(Options.Create(new RealtimeFeedOptions { ConsumerBufferEvents = 16 }));
        var slow = broadcaster.Join();
        var fast = broadcaster.Join();
        var line = "{}\n"u8.ToArray();

        for (var i = 0; i < 100; i++)
        {
            broadcaster.Publish(line);
            while (fast.Reader.TryRead(out _))
            {
            }

            Assert.True(slow.Reader.Count <= 16);
        }

        Assert.True(slow.Dropped);
        Assert.False(fast.Dropped);
        Assert.Equal(1, broadcaster.DroppedConsumers);
        Assert.Equal(1, broadcaster.Consumers);
        Assert.True(slow.Reader.Completion.IsCompleted || slow.Reader.Count <= 16);
    }

    [Fact]
    public async Task Feed_ConsumerThatFallsBehind_IsDisconnected()
    {
        await using var host = fixture.StartHost(new Dictionary<string, string?> { ["DeviceEdge:Realtime:ConsumerBufferEvents"] = "16" });
        using var feed = host.CreateHttpClient(fixture.Issuer.Token("service:facade-edge", FeedScope));
        using var response = await feed.GetAsync("realtime/feed", HttpCompletionOption.ResponseHeadersRead, Ct);
        var stream = await response.Content.ReadAsStreamAsync(Ct);
        var broadcaster = host.Services.GetRequiredService<RealtimeBroadcaster>();
        var line = System.Text.Encoding.UTF8.GetBytes("{\"kind\":\"telemetry\",\"device\":\"x\",\"data\":{\"pad\":\"" + new string('x', 4000) + "\"}}\n");

        // Nothing is read while events pour in: socket buffers fill, then the consumer's queue, then it is dropped.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (broadcaster.DroppedConsumers == 0 && DateTime.UtcNow < deadline)
        {
            broadcaster.Publish(line);
            if (broadcaster.Consumers > 0 && Random.Shared.Next(64) == 0)
            {
                await Task.Yield();
            }
        }

        Assert.Equal(1, broadcaster.DroppedConsumers);

        // The stream then ends (after what was already sent): the reader reconnects.
        var buffer = new byte[64 * 1024];
        while (await stream.ReadAsync(buffer, Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct) > 0)
        {
        }
    }

    private static async Task<JsonElement> NextAsync(StreamReader lines, string kind, string device)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            var line = await lines.ReadLineAsync(deadline.Token) ?? throw new InvalidOperationException("The feed ended.");
            var json = JsonDocument.Parse(line).RootElement;
            if (json.GetProperty("kind").GetString() == kind && json.TryGetProperty("device", out var id) && id.GetString() == device)
            {
                return json.Clone();
            }
        }
    }
}
