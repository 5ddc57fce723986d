using System.Net;

namespace Facade.McpAdapter.Tests.Security;

/// <summary>
/// A legacy SSE session is bound to the token that opened it: only the same user through the same client may post to
/// it (anyone else is told it does not exist), it uses the newest token it was given, and it ends when that token
/// expires or is revoked.
/// </summary>
public sealed class LegacySseSessionTests(AdapterStackFixture fixture) : IClassFixture<AdapterStackFixture>
{
    private const string Ping = """{"jsonrpc":"2.0","id":7,"method":"ping"}""";

    [Fact]
    public async Task Post_ToSomeoneElsesSession_Is404_WithoutToken401()
    {
        await using var session = await SseStream.OpenAsync(fixture.Adapter, fixture.Mint("tasks:read", subject: "alice", clientId: "client-a"));

        var mallory = fixture.Mint("tasks:read", subject: "mallory", clientId: "client-a");
        using (var otherUser = await session.PostAsync(mallory, Ping))
        {
            await JsonError.AssertAsync(otherUser, HttpStatusCode.NotFound, "not_found", mallory);
        }

        var otherClient = fixture.Mint("tasks:read", subject: "alice", clientId: "client-b");
        using (var sameUserOtherClient = await session.PostAsync(otherClient, Ping))
        {
            await JsonError.AssertAsync(sameUserOtherClient, HttpStatusCode.NotFound, "not_found", otherClient);
        }

        using (var anonymous = await session.PostAsync(null, Ping))
        {
            await JsonError.AssertAsync(anonymous, HttpStatusCode.Unauthorized, "unauthorized");
        }

        using (var owner = await session.PostAsync(fixture.Mint("tasks:read", subject: "alice", clientId: "client-a"), Ping))
        {
            Assert.Equal(HttpStatusCode.Accepted, owner.StatusCode);
        }

        var pong = await session.ReadResponseAsync(7, TimeSpan.FromSeconds(30));
        Assert.True(pong.TryGetProperty("result", out _), pong.ToString());
    }

    [Fact]
    public async Task Open_WithATokenNamingNoClient_Is401_ASessionCouldNotBeBound()
    {
        var token = fixture.Sign(fixture.Token("tasks:read") with { ClientId = null });
        using var http = new HttpClient { BaseAddress = fixture.Adapter };
        using var request = new HttpRequestMessage(HttpMethod.Get, "sse");
        request.Headers.Authorization = new("Bearer", token);

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        await JsonError.AssertAsync(response, HttpStatusCode.Unauthorized, "invalid_token", token);
        Assert.Contains("resource_metadata=", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_EndsWhenItsTokenExpires()
    {
        await using var session = await SseStream.OpenAsync(fixture.Adapter, fixture.Mint("tasks:read", lifetime: TimeSpan.FromSeconds(3)));

        Assert.True(await session.EndsWithinAsync(TimeSpan.FromSeconds(30)), "The stream outlived its token.");
    }

    [Fact]
    public async Task Session_EndsWhenItsTokenIsRevoked()
    {
        var (client, token) = await fixture.OAuthTokenAsync("tasks:read");
        await using var session = await SseStream.OpenAsync(fixture.Adapter, token);

        await fixture.RevokeAtTheEdgeAsync(client, token);

        Assert.True(await session.EndsWithinAsync(TimeSpan.FromSeconds(20)), "The stream outlived the revocation of its token.");
    }

    [Fact]
    public async Task NewerToken_KeepsTheSessionOpen_AndIsTheOneBackendsGet()
    {
        var first = fixture.Token("tasks:read", subject: "carol", clientId: "client-c", lifetime: TimeSpan.FromSeconds(4));
        await using var session = await SseStream.OpenAsync(fixture.Adapter, fixture.Sign(first));
        var newer = fixture.Mint("tasks:read", subject: "carol", clientId: "client-c");

        using (var initialize = await session.PostAsync(newer, McpHttp.Initialize))
        {
            Assert.Equal(HttpStatusCode.Accepted, initialize.StatusCode);
        }

        await session.ReadResponseAsync(1, TimeSpan.FromSeconds(30));
        (await session.PostAsync(newer, """{"jsonrpc":"2.0","method":"notifications/initialized"}""")).Dispose();

        // Past the first token's expiry the stream still answers, because a newer token was given.
        var id = 100;
        while (DateTimeOffset.UtcNow < first.Expires!.Value.AddSeconds(2))
        {
            id++;
            using (var ping = await session.PostAsync(newer, $$"""{"jsonrpc":"2.0","id":{{id}},"method":"ping"}"""))
            {
                Assert.Equal(HttpStatusCode.Accepted, ping.StatusCode);
            }

            await session.ReadResponseAsync(id, TimeSpan.FromSeconds(30));
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }

        using (var call = await session.PostAsync(newer, """{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"get_task","arguments":{"id":"task-1"}}}"""))
        {
            Assert.Equal(HttpStatusCode.Accepted, call.StatusCode);
        }

        var result = await session.ReadResponseAsync(9, TimeSpan.FromSeconds(30));
        Assert.Contains("task-1", result.ToString(), StringComparison.Ordinal);
        var backendCall = fixture.Stack.Legacy.Requests.Last(r => r.Path == "/api/tasks/task-1");
        Assert.Equal("Bearer " + newer, backendCall.Header("Authorization"));
    }
}
