using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Facade.Proxy.Tests.Realtime;

/// <summary>
/// The channels of <c>/realtime</c> over the whole stack: events of real MQTT devices reach their owner (and whoever
/// the device is shared with), every refusal is an error message naming the channel, never silence.
/// </summary>
public sealed class RealtimeChannelTests(RealtimeFixture fixture) : IClassFixture<RealtimeFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Telemetry_OfAnOwnDevice_ArrivesAsAnEvent()
    {
        var owner = await fixture.CreateUserAsync();
        var (id, _, device) = await fixture.ProvisionAsync(owner);
        using var connectedDevice = device;
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync(owner, "telemetry:read"));
        await client.SubscribeOkAsync($"devices/{id}/telemetry");

        await RealtimeFixture.PublishTelemetryAsync(device!, """{"temperature":22.5}""");
        var received = await client.ReceiveTypeAsync("event");

        Assert.Equal($"devices/{id}/telemetry", received.GetProperty("channel").GetString());
        Assert.Equal(22.5, received.GetProperty("data").GetProperty("metrics").GetProperty("temperature").GetDouble());
        Assert.True(DateTimeOffset.TryParse(received.GetProperty("time").GetString(), out _));
    }

    [Fact]
    public async Task Status_OfAnOwnDevice_ArrivesWhenItConnects()
    {
        var owner = await fixture.CreateUserAsync();
        var (id, secret, _) = await fixture.ProvisionAsync(owner, connect: false);
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync(owner, "devices:read"));
        await client.SubscribeOkAsync($"devices/{id}/status");

        using var device = await fixture.ConnectDeviceAsync(id, secret);
        var received = await client.ReceiveTypeAsync("event");

        Assert.Equal($"devices/{id}/status", received.GetProperty("channel").GetString());
        Assert.True(received.GetProperty("data").GetProperty("online").GetBoolean());
    }

    [Fact]
    public async Task Commands_OfAnOwnDevice_ArriveThroughTheirLifecycle()
    {
        var owner = await fixture.CreateUserAsync();
        var (id, _, device) = await fixture.ProvisionAsync(owner);
        using var connectedDevice = device;
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync(owner, "devices:read"));
        await client.SubscribeOkAsync($"devices/{id}/commands");
        await device!.SubscribeAsync($"devices/{id}/commands/+", Ct);

        using var http = fixture.EdgeClient(await fixture.TokenAsync(owner, "devices:read commands:write"));
        using var sent = await http.PostAsync($"devices/{id}/commands", new StringContent("""{"name":"reboot"}""", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        var commandId = JsonDocument.Parse(await sent.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("id").GetString();

        var created = await client.ReceiveTypeAsync("event");
        var delivered = await client.ReceiveTypeAsync("event");
        Assert.Equal((commandId, "created"), (created.GetProperty("data").GetProperty("id").GetString(), created.GetProperty("data").GetProperty("event").GetString()));
        Assert.Equal("delivered", delivered.GetProperty("data").GetProperty("event").GetString());
    }

    [Fact]
    public async Task Alerts_OfTheCallersOwnRules_Arrive_AndNobodyElses()
    {
        var owner = await fixture.CreateUserAsync();
        var stranger = await fixture.CreateUserAsync();
        var (id, _, device) = await fixture.ProvisionAsync(owner);
        using var connectedDevice = device;
        using var http = fixture.EdgeClient(await fixture.TokenAsync(owner, "rules:read rules:write"));
        using var rule = await http.PostAsync("alerts/rules", new StringContent(JsonSerializer.Serialize(new
        {
            name = "Too hot",
            metric = "temperature",
            @operator = ">",
            threshold = 30,
            selector = new { deviceIds = new[] { id } },
            channel = new { type = "mqtt", topic = "alerts/" + id },
        }), Encoding.UTF8, "application/json"), Ct);
        Assert.True(rule.StatusCode == HttpStatusCode.Created, await rule.Content.ReadAsStringAsync(Ct));
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync(owner, "rules:read"));
        await client.SubscribeOkAsync("alerts");
        await using var other = await fixture.ConnectAsync(await fixture.TokenAsync(stranger, "rules:read"));
        await other.SubscribeOkAsync("alerts");

        await RealtimeFixture.PublishTelemetryAsync(device!, """{"temperature":35}""");
        var fired = await client.ReceiveTypeAsync("event");

        Assert.Equal("alerts", fired.GetProperty("channel").GetString());
        Assert.Equal(("fired", id), (fired.GetProperty("data").GetProperty("event").GetString(), fired.GetProperty("data").GetProperty("alert").GetProperty("deviceId").GetString()));

        // The other user's connection got nothing but (perhaps) heartbeats: a ping is answered before any event would be.
        await other.SendTextAsync("""{"type":"ping","id":"p"}""");
        var next = await other.ReceiveAsync(m => m.GetProperty("type").GetString() != "heartbeat");
        Assert.Equal("pong", next.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("telemetry")]
    [InlineData("status")]
    [InlineData("commands")]
    public async Task AnotherUsersDevice_AndAnUnknownOne_AreBothNotFound(string kind)
    {
        var owner = await fixture.CreateUserAsync();
        var stranger = await fixture.CreateUserAsync();
        var (id, _, _) = await fixture.ProvisionAsync(owner, connect: false);
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync(stranger, RealtimeFixture.AllChannelScopes));

        var foreign = await client.SubscribeAsync($"devices/{id}/{kind}");
        var unknown = await client.SubscribeAsync($"devices/rt-nobody-{Guid.NewGuid():N}/{kind}");

        foreach (var (answer, channel) in new[] { (foreign, $"devices/{id}/{kind}"), (unknown, unknown.GetProperty("channel").GetString()) })
        {
            Assert.Equal(("error", "not_found", channel), (answer.GetProperty("type").GetString(), answer.GetProperty("error").GetString(), answer.GetProperty("channel").GetString()));
        }

        Assert.Equal(foreign.GetProperty("error_description").GetString(), unknown.GetProperty("error_description").GetString());
    }

    [Theory]
    [InlineData("telemetry", "telemetry:read", "devices:read rules:read")]
    [InlineData("status", "devices:read", "telemetry:read rules:read")]
    [InlineData("commands", "devices:read", "telemetry:read rules:read")]
    [InlineData(null, "rules:read", "devices:read telemetry:read")]
    public async Task WithoutTheChannelsScope_InsufficientScope_NamingIt(string? kind, string needed, string held)
    {
        var owner = await fixture.CreateUserAsync();
        var (id, _, _) = await fixture.ProvisionAsync(owner, connect: false);
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync(owner, held));
        var channel = kind is null ? "alerts" : $"devices/{id}/{kind}";

        var answer = await client.SubscribeAsync(channel);

        Assert.Equal(("error", "insufficient_scope", needed, channel),
            (answer.GetProperty("type").GetString(), answer.GetProperty("error").GetString(), answer.GetProperty("scope").GetString(), answer.GetProperty("channel").GetString()));
    }

    [Theory]
    [InlineData("devices/x/shadow")]
    [InlineData("devices//telemetry")]
    [InlineData("devices/a/b/telemetry")]
    [InlineData("tasks")]
    [InlineData("Alerts")]
    [InlineData("devices/bad id/telemetry")]
    public async Task AnUnknownChannel_IsAnError_NeverSilence(string channel)
    {
        var user = await fixture.CreateUserAsync();
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync(user, RealtimeFixture.AllChannelScopes));

        var answer = await client.SubscribeAsync(channel);

        Assert.Equal(("error", "unknown_channel", channel), (answer.GetProperty("type").GetString(), answer.GetProperty("error").GetString(), answer.GetProperty("channel").GetString()));
    }

    [Fact]
    public async Task ASharedDevice_Streams_UntilTheShareIsWithdrawn()
    {
        var owner = await fixture.CreateUserAsync();
        var friend = await fixture.CreateUserAsync();
        var (id, _, device) = await fixture.ProvisionAsync(owner);
        using var connectedDevice = device;
        await fixture.ShareAsync(owner, id, friend);
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync(friend, "telemetry:read"));
        await client.SubscribeOkAsync($"devices/{id}/telemetry");

        await RealtimeFixture.PublishTelemetryAsync(device!, """{"humidity":40}""");
        Assert.Equal(40, (await client.ReceiveTypeAsync("event")).GetProperty("data").GetProperty("metrics").GetProperty("humidity").GetDouble());

        // The periodic re-check (1 s here) ends the subscription with an error naming it.
        await fixture.ShareAsync(owner, id, friend, share: false);
        var ended = await client.ReceiveAsync(m => m.GetProperty("type").GetString() == "error");
        Assert.Equal(("not_found", $"devices/{id}/telemetry"), (ended.GetProperty("error").GetString(), ended.GetProperty("channel").GetString()));
    }

    [Fact]
    public async Task Unsubscribe_IsAcknowledged_AndPingIsAnswered_AndHeartbeatsCome()
    {
        var owner = await fixture.CreateUserAsync();
        var (id, _, _) = await fixture.ProvisionAsync(owner, connect: false);
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync(owner, "devices:read"));
        await client.SubscribeOkAsync($"devices/{id}/status");

        await client.SendTextAsync($$"""{"type":"unsubscribe","id":"u1","channel":"devices/{{id}}/status"}""");
        var unsubscribed = await client.ReceiveTypeAsync("unsubscribed");
        await client.SendTextAsync("""{"type":"ping","id":"p1"}""");
        var pong = await client.ReceiveTypeAsync("pong");
        var heartbeat = await client.ReceiveTypeAsync("heartbeat");

        Assert.Equal(("u1", $"devices/{id}/status"), (unsubscribed.GetProperty("id").GetString(), unsubscribed.GetProperty("channel").GetString()));
        Assert.Equal("p1", pong.GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Object, heartbeat.ValueKind);
        Assert.InRange(fixture.Hub.PeakBufferedMessages, 1, 256);
    }

    [Fact]
    public async Task Welcome_NamesTheSubjectTheExpiryAndTheHeartbeat()
    {
        var user = await fixture.CreateUserAsync();
        var minted = await fixture.MintAsync(user, "devices:read");
        await using var client = await RealtimeClient.ConnectAsync(fixture.WebSocketUrl, o => o.SetRequestHeader("Authorization", "Bearer " + minted.Jwt));

        var welcome = await client.ReceiveAsync();

        Assert.Equal(("welcome", user.Id, 1), (welcome.GetProperty("type").GetString(), welcome.GetProperty("subject").GetString(), welcome.GetProperty("heartbeatSeconds").GetInt32()));
        Assert.Equal(minted.ExpiresAt, DateTimeOffset.Parse(welcome.GetProperty("expiresAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task AConnection_RecordsItsTokensLastUse_ForTheConsolesTokensPage()
    {
        var user = await fixture.CreateUserAsync();
        var minted = await fixture.MintAsync(user, "devices:read");
        await using var client = await RealtimeClient.ConnectAsync(fixture.WebSocketUrl, o => o.SetRequestHeader("Authorization", "Bearer " + minted.Jwt));
        await client.ReceiveAsync();

        // The write happens off the request path (proxy/Ledger/TokenLastUse.cs): poll the ledger row until it lands.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        DateTimeOffset? lastUsed = null;
        while (lastUsed is null && DateTime.UtcNow < deadline)
        {
            await using var scope = fixture.Edge.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<Facade.Proxy.Data.FacadeDbContext>();
            lastUsed = await db.ApiTokens.Where(t => t.Jti == minted.Jti).Select(t => t.LastUsedAt).SingleAsync(Ct);
            if (lastUsed is null)
            {
                await Task.Delay(50, Ct);
            }
        }

        Assert.NotNull(lastUsed);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"id":"x"}""")]
    [InlineData("""{"type":"dance","id":"x"}""")]
    [InlineData("""{"type":"subscribe","id":"x"}""")]
    [InlineData("""{"type":"subscribe","id":"x","channel":42}""")]
    public async Task AMalformedMessage_IsAnInvalidRequestError_AndTheConnectionStays(string text)
    {
        var user = await fixture.CreateUserAsync();
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync(user, "devices:read"));

        await client.SendTextAsync(text);
        var error = await client.ReceiveTypeAsync("error");
        await client.SendTextAsync("""{"type":"ping","id":"after"}""");

        Assert.Equal("invalid_request", error.GetProperty("error").GetString());
        Assert.Equal("after", (await client.ReceiveTypeAsync("pong")).GetProperty("id").GetString());
    }

    [Fact]
    public async Task AMessageOver16KB_Closes1009()
    {
        var user = await fixture.CreateUserAsync();
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync(user, "devices:read"));

        await client.SendTextAsync($$"""{"type":"ping","id":"{{new string('x', 17 * 1024)}}"}""");

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await client.ReceiveCloseAsync());
        Assert.Equal("message_too_big", client.Socket.CloseStatusDescription);
    }

    [Fact]
    public async Task ABinaryFrame_Closes1008()
    {
        var user = await fixture.CreateUserAsync();
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync(user, "devices:read"));

        await client.Socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, Ct);

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await client.ReceiveCloseAsync());
        Assert.Equal("policy_violation", client.Socket.CloseStatusDescription);
    }

    [Fact]
    public async Task MoreSubscriptionsThanAllowed_TooManySubscriptions()
    {
        var owner = await fixture.CreateUserAsync();
        var (id, _, _) = await fixture.ProvisionAsync(owner, connect: false);
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync(owner, RealtimeFixture.AllChannelScopes));
        foreach (var channel in new[] { $"devices/{id}/telemetry", $"devices/{id}/status", $"devices/{id}/commands" })
        {
            await client.SubscribeOkAsync(channel);
        }

        var fourth = await client.SubscribeAsync("alerts");

        Assert.Equal("too_many_subscriptions", fourth.GetProperty("error").GetString());
    }

    [Fact]
    public async Task MoreConnectionsThanAllowedPerUser_Get429_UntilOneCloses()
    {
        var user = await fixture.CreateUserAsync();
        var token = await fixture.TokenAsync(user, "devices:read");
        var open = new List<RealtimeClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                open.Add(await fixture.ConnectAsync(token));
            }

            Assert.Equal(HttpStatusCode.TooManyRequests, await fixture.RefusedUpgradeAsync(o => o.SetRequestHeader("Authorization", "Bearer " + token)));
            using var http = fixture.EdgeClient(token);
            using var sse = await http.GetAsync("realtime/sse?channel=alerts", HttpCompletionOption.ResponseHeadersRead, Ct);
            Assert.Equal(HttpStatusCode.TooManyRequests, sse.StatusCode);
            Assert.Equal("too_many_connections", JsonDocument.Parse(await sse.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("error").GetString());

            // Another user is not affected, and a closed connection frees its place.
            var other = await fixture.CreateUserAsync();
            open.Add(await fixture.ConnectAsync(await fixture.TokenAsync(other, "devices:read")));
            await open[0].DisposeAsync();
            open.RemoveAt(0);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            RealtimeClient? again = null;
            while (again is null)
            {
                try
                {
                    again = await fixture.ConnectAsync(token);
                }
                catch (WebSocketException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(50, Ct);
                }
            }

            open.Add(again);
        }
        finally
        {
            foreach (var client in open)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task APlainGet_WithoutUpgrade_Is400_AfterAuthentication()
    {
        var user = await fixture.CreateUserAsync();
        using var http = fixture.EdgeClient(await fixture.TokenAsync(user, "devices:read"));
        using var anonymous = fixture.Edge.CreateHttpClient();

        using var plain = await http.GetAsync("realtime", Ct);
        using var unauthenticated = await anonymous.GetAsync("realtime", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
    }
}
