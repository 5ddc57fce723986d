using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using Facade.Proxy.Realtime;
using Facade.Proxy.Tests.Realtime;
using Facade.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Facade.Proxy.Tests.Security;

/// <summary>
/// Who may open <c>/realtime</c> and for how long: each credential form is accepted, anything else is 401 before the
/// upgrade; a connection ends (4401, 4403) within about a second of its token expiring or being revoked, its key
/// included. Times are measured and reported, with generous bounds (the contract's target is 2 s).
/// </summary>
public sealed class RealtimeSecurityTests(RealtimeFixture fixture) : IClassFixture<RealtimeFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BearerToken_FromTheOAuthFlow_IsAccepted()
    {
        using var oauth = new OAuthTestClient(fixture.Edge.BaseUrl);
        var (_, token) = await oauth.GetTokenAsync("devices:read telemetry:read", cancellationToken: Ct);

        await using var client = await fixture.ConnectAsync(token.AccessToken!);

        Assert.Equal(WebSocketState.Open, client.Socket.State);
    }

    [Fact]
    public async Task SubprotocolForm_IsAccepted_AndTheChosenProtocolNeverCarriesTheToken()
    {
        var user = await fixture.CreateUserAsync();
        var token = await fixture.TokenAsync(user, "devices:read");

        await using var client = await RealtimeClient.ConnectAsync(fixture.WebSocketUrl, o =>
        {
            o.AddSubProtocol("facade.realtime.v1");
            o.AddSubProtocol("bearer." + token);
        });

        Assert.Equal("welcome", (await client.ReceiveAsync()).GetProperty("type").GetString());
        Assert.Equal("facade.realtime.v1", client.Socket.SubProtocol);
        Assert.DoesNotContain(token, string.Join(",", client.Socket.HttpResponseHeaders?.Values.SelectMany(v => v) ?? []), StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryForm_IsAccepted_OnTheRealtimePath()
    {
        var user = await fixture.CreateUserAsync();
        var token = await fixture.TokenAsync(user, "devices:read");

        await using var client = await RealtimeClient.ConnectAsync(new Uri(fixture.WebSocketUrl + "?access_token=" + Uri.EscapeDataString(token)));

        Assert.Equal("welcome", (await client.ReceiveAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task QueryForm_IsNotAcceptedElsewhere()
    {
        var user = await fixture.CreateUserAsync();
        var token = await fixture.TokenAsync(user, "devices:read");
        using var http = fixture.Edge.CreateHttpClient();

        using var response = await http.GetAsync("devices?access_token=" + Uri.EscapeDataString(token), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task UserKey_IsAccepted_AsBearerAndAsSubprotocol()
    {
        var user = await fixture.CreateUserAsync();
        var (_, key) = await RealtimeKeys.CreateAsync(fixture, user, "devices:read");

        await using var bearer = await fixture.ConnectAsync(key);
        await using var subprotocol = await RealtimeClient.ConnectAsync(fixture.WebSocketUrl, o =>
        {
            o.AddSubProtocol("facade.realtime.v1");
            o.AddSubProtocol("bearer." + key);
        });

        Assert.Equal(user.Id, (await subprotocol.ReceiveAsync()).GetProperty("subject").GetString());
    }

    public static TheoryData<string> RefusedCredentials => new() { "none", "forged", "expired", "wrong-audience", "revoked", "agent-key-header", "agent-key-bearer", "garbage", "two-protocol-tokens" };

    [Theory]
    [MemberData(nameof(RefusedCredentials))]
    public async Task RefusedCredentials_Get401_BeforeTheUpgrade(string kind)
    {
        var user = await fixture.CreateUserAsync();
        var issuer = fixture.Edge.Issuer;
        var signingKey = fixture.Edge.Services.GetRequiredService<Facade.Proxy.Keys.KeyRing>().SigningKeys[0];
        string? bearer = kind switch
        {
            "forged" => TestTokens.AccessToken(issuer, "devices:read").Sign(TestTokens.UntrustedRsaKey(signingKey.KeyId)),
            "expired" => await RecordedAsync(TestTokens.AccessToken(issuer, "devices:read", DateTimeOffset.UtcNow.AddMinutes(-30)) with { Subject = user.Id }, signingKey),
            "wrong-audience" => await RecordedAsync(TestTokens.AccessToken(issuer, "devices:read") with { Audience = "https://elsewhere.example/", Subject = user.Id }, signingKey),
            "revoked" => await RevokedAsync(user),
            "agent-key-bearer" => (await fixture.Edge.Services.GetRequiredService<Facade.Proxy.ApiKeys.ApiKeyStore>().CreateAsync(
                new Facade.Proxy.ApiKeys.NewApiKey(user, "agent", ["devices:read"], "agent-x", null), Ct)).Key,
            "garbage" => "not-a-token",
            _ => null,
        };

        var status = await fixture.RefusedUpgradeAsync(o =>
        {
            if (bearer is not null)
            {
                o.SetRequestHeader("Authorization", "Bearer " + bearer);
            }

            if (kind == "agent-key-header")
            {
                o.SetRequestHeader("X-Agent-API-Key", "fk_a_" + new string('a', 43));
            }

            if (kind == "two-protocol-tokens")
            {
                o.AddSubProtocol("bearer.a");
                o.AddSubProtocol("bearer.b");
            }
        });

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task ATokenMintedFromAnAgentKey_IsRefused()
    {
        var user = await fixture.CreateUserAsync();
        var (_, agentKey, _) = await fixture.Edge.Services.GetRequiredService<Facade.Proxy.ApiKeys.ApiKeyStore>().CreateAsync(
            new Facade.Proxy.ApiKeys.NewApiKey(user, "agent", ["devices:read"], "agent-y", null), Ct);
        using var http = fixture.Edge.CreateHttpClient();
        using var exchange = new HttpRequestMessage(HttpMethod.Post, "oauth/key-token");
        exchange.Headers.Add("X-Agent-API-Key", agentKey);
        using var exchanged = await http.SendAsync(exchange, Ct);
        var text = await exchanged.Content.ReadAsStringAsync(Ct);
        Assert.True(exchanged.StatusCode == HttpStatusCode.OK, text);
        var token = System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("access_token").GetString()!;

        Assert.Equal(HttpStatusCode.Unauthorized, await fixture.RefusedUpgradeAsync(o => o.SetRequestHeader("Authorization", "Bearer " + token)));
    }

    [Fact]
    public async Task AShortLivedToken_IsClosed4401_SoonAfterItsExpiry()
    {
        var user = await fixture.CreateUserAsync();
        var minted = await fixture.MintAsync(user, "devices:read", TimeSpan.FromSeconds(3));
        await using var client = await fixture.ConnectAsync(minted.Jwt);

        var status = await client.ReceiveCloseAsync();
        var late = DateTimeOffset.UtcNow - minted.ExpiresAt;

        Assert.Equal((WebSocketCloseStatus)4401, status);
        Assert.Equal("token_expired", client.Socket.CloseStatusDescription);
        TestContext.Current.TestOutputHelper?.WriteLine($"closed {late.TotalMilliseconds:F0} ms after exp");
        Assert.True(late < TimeSpan.FromSeconds(5), $"closed {late} after exp");
    }

    [Fact]
    public async Task RevokingTheToken_AtTheRevocationEndpoint_Closes4403()
    {
        using var oauth = new OAuthTestClient(fixture.Edge.BaseUrl);
        var (client, token) = await oauth.GetTokenAsync("devices:read", cancellationToken: Ct);
        await using var socket = await fixture.ConnectAsync(token.AccessToken!);

        var watch = Stopwatch.StartNew();
        using var revoked = await fixture.Edge.CreateHttpClient().PostAsync("oauth/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = token.AccessToken!,
            ["client_id"] = client.ClientId,
        }), Ct);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        var status = await socket.ReceiveCloseAsync();
        watch.Stop();

        Assert.Equal(((WebSocketCloseStatus)4403, "token_revoked"), (status, socket.Socket.CloseStatusDescription));
        TestContext.Current.TestOutputHelper?.WriteLine($"closed {watch.ElapsedMilliseconds} ms after the revoke call");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"closed {watch.Elapsed} after the revoke call");
    }

    [Fact]
    public async Task RevokingTheKey_ClosesItsConnections4403_TheyHoldTheTokenMintedFromIt()
    {
        var user = await fixture.CreateUserAsync();
        var (id, key) = await RealtimeKeys.CreateAsync(fixture, user, "devices:read");
        await using var socket = await fixture.ConnectAsync(key);
        await using var sse = await OpenSseAsync(key, "devices:read");

        var watch = Stopwatch.StartNew();
        await RealtimeKeys.RevokeAsync(fixture, user, id);
        var status = await socket.ReceiveCloseAsync();
        var close = await sse.Events.NextAsync("close");
        watch.Stop();

        Assert.Equal(((WebSocketCloseStatus)4403, "token_revoked"), (status, socket.Socket.CloseStatusDescription));
        Assert.Equal(4403, close.GetProperty("code").GetInt32());
        TestContext.Current.TestOutputHelper?.WriteLine($"closed {watch.ElapsedMilliseconds} ms after the key was revoked");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"closed {watch.Elapsed} after the key was revoked");
        Assert.Equal(HttpStatusCode.Unauthorized, await fixture.RefusedUpgradeAsync(o => o.SetRequestHeader("Authorization", "Bearer " + key)));
    }

    [Fact]
    public async Task RevokingInTheLedgerDirectly_AsAnotherProcessWould_Closes4403()
    {
        var user = await fixture.CreateUserAsync();
        var minted = await fixture.MintAsync(user, "devices:read");
        await using var socket = await fixture.ConnectAsync(minted.Jwt);

        // The admin command line revokes in the database; the realtime loop reads the same revocations.
        await using (var scope = fixture.Edge.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Facade.Proxy.Data.FacadeDbContext>();
            var ledger = new Facade.Proxy.Ledger.TokenLedger(scope.ServiceProvider.GetRequiredService<IServiceScopeFactory>(), TimeProvider.System,
                Microsoft.Extensions.Options.Options.Create(new Facade.Proxy.Ledger.LedgerOptions()), scope.ServiceProvider.GetRequiredService<Facade.Proxy.Audit.AuditLog>(),
                scope.ServiceProvider.GetRequiredService<Facade.Proxy.Hosting.EdgeMetrics>());
            Assert.Equal(1, await ledger.RevokeByJtiAsync(minted.Jti, Ct));
        }

        Assert.Equal((WebSocketCloseStatus)4403, await socket.ReceiveCloseAsync());
    }

    private async Task<string> RecordedAsync(TestToken token, SecurityKey key)
    {
        await fixture.Edge.Services.GetRequiredService<Facade.Proxy.Ledger.TokenLedger>().RecordAsync(new Facade.Proxy.Ledger.ApiToken
        {
            Jti = token.Jti!,
            Subject = token.Subject,
            Label = "oauth",
            Scopes = token.Scope ?? "",
            CreatedAt = token.IssuedAt ?? DateTimeOffset.UtcNow,
            ExpiresAt = token.Expires ?? DateTimeOffset.UtcNow.AddMinutes(10),
        }, Ct);
        return token.Sign(key);
    }

    private async Task<string> RevokedAsync(Facade.Proxy.Data.FacadeUser user)
    {
        var minted = await fixture.MintAsync(user, "devices:read");
        await fixture.Edge.Services.GetRequiredService<Facade.Proxy.Ledger.TokenLedger>().RevokeByJtiAsync(minted.Jti, Ct);
        return minted.Jwt;
    }

    private async Task<OpenSse> OpenSseAsync(string credential, string scope)
    {
        _ = scope;
        var http = fixture.EdgeClient(credential);
        var response = await http.GetAsync("realtime/sse?channel=alerts", HttpCompletionOption.ResponseHeadersRead, Ct);
        var events = new SseReader(await response.Content.ReadAsStreamAsync(Ct));
        await events.NextAsync("welcome");
        return new OpenSse(http, response, events);
    }

    private sealed record OpenSse(HttpClient Http, HttpResponseMessage Response, SseReader Events) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            Events.Dispose();
            Response.Dispose();
            Http.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
