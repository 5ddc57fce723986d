using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Facade.Proxy.Tests.EndToEnd;
using Facade.Testing;

namespace Facade.Proxy.Tests.AuthorizationServer;

/// <summary>Introspection for configured resource servers, userinfo, JWKS, and consent withdrawal.</summary>
public sealed class TokenEndpointsTests : IAsyncLifetime
{
    private const string ResourceServerId = "mcp-adapter";
    private const string ResourceServerSecret = "resource-server-secret-0123456789";
    private FacadeHost _host = null!;

    public ValueTask InitializeAsync()
    {
        _host = FacadeHost.Start(settings: new Dictionary<string, string?>
        {
            ["Facade:Clients:0:ClientId"] = ResourceServerId,
            ["Facade:Clients:0:ClientSecret"] = ResourceServerSecret,
            ["Facade:Clients:0:Introspection"] = "true",
        });
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Introspect_ByResourceServer_ActiveUntilRevoked()
    {
        var ct = TestContext.Current.CancellationToken;
        using var oauth = new OAuthTestClient(_host.BaseUrl);
        var (client, token) = await oauth.GetTokenAsync("openid tasks:read", cancellationToken: ct);

        var active = await IntrospectAsync(oauth.Api, token.AccessToken!, ResourceServerId, ResourceServerSecret, ct);
        Assert.True(active.GetProperty("active").GetBoolean(), active.ToString());
        Assert.Equal(client.ClientId, active.GetProperty("client_id").GetString());
        Assert.Contains("tasks:read", active.GetProperty("scope").GetString()!.Split(' '));
        Assert.Equal(_host.Issuer, active.GetProperty("iss").GetString());

        using var revoke = await oauth.Api.PostAsync("oauth/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = token.AccessToken!,
            ["client_id"] = client.ClientId,
        }), ct);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        var inactive = await IntrospectAsync(oauth.Api, token.AccessToken!, ResourceServerId, ResourceServerSecret, ct);
        Assert.False(inactive.GetProperty("active").GetBoolean());
    }

    [Theory]
    [InlineData(ResourceServerId, "wrong-secret-wrong-secret-wrong")]
    [InlineData("nobody", ResourceServerSecret)]
    public async Task Introspect_WithBadCredentials_IsRefused(string clientId, string secret)
    {
        var ct = TestContext.Current.CancellationToken;
        using var oauth = new OAuthTestClient(_host.BaseUrl);
        var (_, token) = await oauth.GetTokenAsync("tasks:read", cancellationToken: ct);

        using var response = await PostIntrospectionAsync(oauth.Api, token.AccessToken!, clientId, secret, ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Introspect_ByOrdinaryClient_IsRefused()
    {
        var ct = TestContext.Current.CancellationToken;
        using var oauth = new OAuthTestClient(_host.BaseUrl);
        var confidential = await oauth.RegisterAsync("https://app.example/callback", "client_secret_basic", cancellationToken: ct);
        var (_, token) = await oauth.GetTokenAsync("tasks:read", cancellationToken: ct);

        using var response = await PostIntrospectionAsync(oauth.Api, token.AccessToken!, confidential.ClientId, confidential.Secret!, ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("unauthorized_client", (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task UserInfo_ReturnsClaimsForGrantedScopes()
    {
        var ct = TestContext.Current.CancellationToken;
        using var oauth = new OAuthTestClient(_host.BaseUrl);
        var (_, token) = await oauth.GetTokenAsync("openid profile", cancellationToken: ct);

        using var response = await OAuthFlowTests.Send(oauth.Api, HttpMethod.Get, "oauth/userinfo", token.AccessToken!, ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("demo", body.GetProperty("preferred_username").GetString());
        Assert.False(body.TryGetProperty("email", out _));
    }

    [Fact]
    public async Task Jwks_PublishesTheSigningKeyOnly()
    {
        using var http = _host.CreateHttpClient();
        var jwks = await http.GetFromJsonAsync<JsonElement>("oauth/jwks", TestContext.Current.CancellationToken);

        var key = Assert.Single(jwks.GetProperty("keys").EnumerateArray());
        Assert.Equal("RSA", key.GetProperty("kty").GetString());
        Assert.Equal("sig", key.GetProperty("use").GetString());
        Assert.False(key.TryGetProperty("d", out _));
    }

    [Fact]
    public async Task RefreshTokens_AreDataProtectionTokens_AccessTokens_StayRs256FromTheJwks()
    {
        // Refresh tokens are read back only by this server: Data Protection's key ring, no RSA work, no JWT at all.
        // Access tokens are checked by resource servers with the JWKS: RS256 with a published key, always.
        var ct = TestContext.Current.CancellationToken;
        using var oauth = new OAuthTestClient(_host.BaseUrl);
        var (client, token) = await oauth.GetTokenAsync("tasks:read offline_access", cancellationToken: ct);

        var handler = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler();
        Assert.False(handler.CanReadToken(token.RefreshToken), "The refresh token is a JWT/JWE.");
        Assert.DoesNotContain('.', token.RefreshToken!);

        var jwks = await oauth.Api.GetFromJsonAsync<JsonElement>("oauth/jwks", ct);
        var published = jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()).ToList();
        Assert.All(jwks.GetProperty("keys").EnumerateArray(), k => Assert.Equal("RSA", k.GetProperty("kty").GetString()));

        var refreshed = await oauth.RefreshAsync(client, token.RefreshToken!, cancellationToken: ct);
        foreach (var access in new[] { token.AccessToken!, refreshed.AccessToken! })
        {
            var header = Header(access);
            Assert.Equal("RS256", header.GetProperty("alg").GetString());
            Assert.Contains(header.GetProperty("kid").GetString(), published);
        }

        Assert.False(handler.CanReadToken(refreshed.RefreshToken));
    }

    private static JsonElement Header(string token) =>
        JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(token[..token.IndexOf('.', StringComparison.Ordinal)])).RootElement;

    [Fact]
    public async Task WithdrawingConsent_RevokesTheGrantsTokens()
    {
        var ct = TestContext.Current.CancellationToken;
        using var legacy = Mocks.LegacyApi.LegacyApiServer.Start();
        await using var host = FacadeHost.Start(legacy.Url);
        using var oauth = new OAuthTestClient(host.BaseUrl);
        var (_, token) = await oauth.GetTokenAsync("tasks:read offline_access", cancellationToken: ct);

        var page = await oauth.Browser.GetStringAsync("account/manage/consents", ct);
        var authorizationId = System.Text.RegularExpressions.Regex.Match(page, "name=\"authorizationId\" value=\"([^\"]+)\"").Groups[1].Value;
        var antiforgery = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        using var withdraw = await oauth.Browser.PostAsync("account/manage/consents", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["authorizationId"] = authorizationId,
            ["__RequestVerificationToken"] = antiforgery,
        }), ct);
        Assert.Equal(HttpStatusCode.Redirect, withdraw.StatusCode);

        using var call = await OAuthFlowTests.Send(oauth.Api, HttpMethod.Get, "api/tasks", token.AccessToken!, ct);
        Assert.Equal(HttpStatusCode.Unauthorized, call.StatusCode);
    }

    private static async Task<JsonElement> IntrospectAsync(HttpClient http, string token, string clientId, string secret, CancellationToken ct)
    {
        using var response = await PostIntrospectionAsync(http, token, clientId, secret, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(ct);
    }

    private static async Task<HttpResponseMessage> PostIntrospectionAsync(HttpClient http, string token, string clientId, string secret, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth/introspect")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        return await http.SendAsync(request, ct);
    }
}
