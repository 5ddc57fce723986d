using System.Net;
using System.Net.Http.Headers;

namespace Facade.Proxy.Tests.Realtime;

/// <summary><c>/realtime/sse</c>: the same events, errors and auth forms as the WebSocket, as server-sent events.</summary>
public sealed class RealtimeSseTests(RealtimeFixture fixture) : IClassFixture<RealtimeFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public enum AuthForm
    {
        Bearer,
        Query,
        UserKeyBearer,
        UserKeyQuery,
    }

    [Theory]
    [InlineData(AuthForm.Bearer)]
    [InlineData(AuthForm.Query)]
    [InlineData(AuthForm.UserKeyBearer)]
    [InlineData(AuthForm.UserKeyQuery)]
    public async Task Events_Arrive_WithEachAuthForm(AuthForm form)
    {
        var owner = await fixture.CreateUserAsync();
        var (id, _, device) = await fixture.ProvisionAsync(owner);
        using var connectedDevice = device;
        var credential = form is AuthForm.Bearer or AuthForm.Query
            ? await fixture.TokenAsync(owner, "telemetry:read devices:read")
            : (await RealtimeKeys.CreateAsync(fixture, owner, "telemetry:read devices:read")).Key;
        var query = $"realtime/sse?channel=devices/{id}/telemetry&channel=devices/rt-unknown-{Guid.NewGuid():N}/status";
        using var http = fixture.Edge.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, form is AuthForm.Query or AuthForm.UserKeyQuery ? query + "&access_token=" + Uri.EscapeDataString(credential) : query);
        if (form is AuthForm.Bearer or AuthForm.UserKeyBearer)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var events = new SseReader(await response.Content.ReadAsStreamAsync(Ct));

        Assert.Equal(owner.Id, (await events.NextAsync("welcome")).GetProperty("subject").GetString());
        Assert.Equal($"devices/{id}/telemetry", (await events.NextAsync("subscribed")).GetProperty("channel").GetString());
        Assert.Equal("not_found", (await events.NextAsync("error")).GetProperty("error").GetString());
        await RealtimeFixture.PublishTelemetryAsync(device!, """{"pressure":1013}""");
        var received = await events.NextAsync("event");
        Assert.Equal(1013, received.GetProperty("data").GetProperty("metrics").GetProperty("pressure").GetDouble());
    }

    [Fact]
    public async Task Heartbeats_AreCommentLines()
    {
        var user = await fixture.CreateUserAsync();
        using var http = fixture.EdgeClient(await fixture.TokenAsync(user, "rules:read"));
        using var response = await http.GetAsync("realtime/sse?channel=alerts", HttpCompletionOption.ResponseHeadersRead, Ct);
        using var events = new SseReader(await response.Content.ReadAsStreamAsync(Ct));
        await events.NextAsync("subscribed");

        // The first heartbeat comes after 1 s here.
        await events.NextCommentAsync();

        Assert.Contains(": heartbeat", events.Comments);
    }

    [Fact]
    public async Task WithoutCredentials_401_BeforeAnyStream()
    {
        using var http = fixture.Edge.CreateHttpClient();
        using var response = await http.GetAsync("realtime/sse?channel=alerts", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("oauth-protected-resource/realtime", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AShortLivedToken_GetsACloseEvent4401_AndTheStreamEnds()
    {
        var user = await fixture.CreateUserAsync();
        var minted = await fixture.MintAsync(user, "rules:read", TimeSpan.FromSeconds(3));
        using var http = fixture.EdgeClient(minted.Jwt);
        using var response = await http.GetAsync("realtime/sse?channel=alerts", HttpCompletionOption.ResponseHeadersRead, Ct);
        using var events = new SseReader(await response.Content.ReadAsStreamAsync(Ct));

        var close = await events.NextAsync("close");
        var late = DateTimeOffset.UtcNow - minted.ExpiresAt;

        Assert.Equal((4401, "token_expired"), (close.GetProperty("code").GetInt32(), close.GetProperty("reason").GetString()));
        Assert.Null(await events.NextAsync());
        TestContext.Current.TestOutputHelper?.WriteLine($"SSE closed {late.TotalMilliseconds:F0} ms after exp");
        Assert.True(late < TimeSpan.FromSeconds(5), $"closed {late} after exp");
    }
}
