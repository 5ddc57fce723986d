using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Facade.Mocks.LegacyApi;
using Facade.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Facade.Proxy.Tests.EndToEnd;

/// <summary>
/// The whole journey a standards-following client makes: discovery from a 401, registration, login and consent,
/// code + PKCE + resource, a call through the edge, refresh, revocation, and the revoked token refused at once.
/// </summary>
public sealed class OAuthFlowTests : IAsyncLifetime
{
    private LegacyApiServer _legacy = null!;
    private FacadeHost _host = null!;

    public ValueTask InitializeAsync()
    {
        _legacy = LegacyApiServer.Start();
        _host = FacadeHost.Start(_legacy.Url);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _legacy.Dispose();
    }

    [Fact]
    public async Task FullFlow_DiscoverRegisterAuthorizeCallRefreshRevoke()
    {
        var ct = TestContext.Current.CancellationToken;
        using var oauth = new OAuthTestClient(_host.BaseUrl);

        // 1. An anonymous call tells the client where to look.
        using var anonymous = await oauth.Api.GetAsync("api/tasks", ct);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var challenge = anonymous.Headers.WwwAuthenticate.Single();
        Assert.Equal("Bearer", challenge.Scheme);
        var metadataUrl = ParseParameter(challenge.Parameter!, "resource_metadata");
        Assert.Equal(_host.Issuer + ".well-known/oauth-protected-resource/api", metadataUrl);
        var body = await anonymous.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal("unauthorized", body.GetProperty("error").GetString());

        // 2. Protected resource metadata → authorization server metadata.
        var resourceMetadata = await oauth.Api.GetFromJsonAsync<JsonElement>(metadataUrl, ct);
        Assert.Equal(_host.Issuer + "api", resourceMetadata.GetProperty("resource").GetString());
        var issuer = resourceMetadata.GetProperty("authorization_servers")[0].GetString()!;
        Assert.Equal(_host.Issuer, issuer);
        var serverMetadata = await oauth.Api.GetFromJsonAsync<JsonElement>(new Uri(new Uri(issuer), ".well-known/oauth-authorization-server"), ct);
        Assert.Equal(issuer, serverMetadata.GetProperty("issuer").GetString());
        Assert.Equal(["S256"], serverMetadata.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.True(serverMetadata.GetProperty("client_id_metadata_document_supported").GetBoolean());
        var registrationEndpoint = serverMetadata.GetProperty("registration_endpoint").GetString()!;
        Assert.Equal(_host.Issuer + "oauth/register", registrationEndpoint);

        // 3. Register, authorize through login and consent, exchange the code with PKCE and the resource indicator.
        const string redirectUri = "http://127.0.0.1:7777/callback";
        var client = await oauth.RegisterAsync(redirectUri, cancellationToken: ct);
        var pkce = Pkce.Create();
        var resource = resourceMetadata.GetProperty("resource").GetString()!;
        var query = await oauth.FollowAuthorizeAsync(
            OAuthTestClient.AuthorizeUrl(client.ClientId, redirectUri, "openid offline_access tasks:read", pkce, "xyz-state", resource),
            redirectUri, ct);
        Assert.NotNull(query);
        Assert.Equal("xyz-state", query["state"]);
        Assert.Equal(issuer, query["iss"]);
        Assert.Contains("/account/login", oauth.VisitedPages);
        Assert.Contains("/account/consent", oauth.VisitedPages);

        var token = await oauth.ExchangeCodeAsync(client, query["code"], pkce.Verifier, resource, ct);
        Assert.Equal(HttpStatusCode.OK, token.Status);
        Assert.True(token.NoStore);
        Assert.NotNull(token.RefreshToken);
        var jwt = new JsonWebToken(token.AccessToken);
        Assert.Equal("at+jwt", jwt.Typ);
        Assert.Equal("RS256", jwt.Alg);
        Assert.Equal([_host.Issuer, resource], jwt.Audiences); // the canonical resource first, then the indicated one (RFC 8707)
        Assert.Equal(issuer, jwt.Issuer);
        Assert.Equal(client.ClientId, jwt.GetPayloadValue<string>("client_id"));
        Assert.Contains("tasks:read", jwt.GetPayloadValue<string>("scope").Split(' '));
        Assert.False(string.IsNullOrEmpty(jwt.Id));

        // 4. The token works through the edge; the backend sees the same bearer token.
        using var tasks = await Send(oauth.Api, HttpMethod.Get, "api/tasks", token.AccessToken!, ct);
        Assert.Equal(HttpStatusCode.OK, tasks.StatusCode);
        Assert.Contains(_legacy.Requests, r => r.Header("Authorization") == "Bearer " + token.AccessToken);

        // A second consent is remembered: the same client and scopes go straight back with a code.
        oauth.VisitedPages.Clear();
        var again = await oauth.FollowAuthorizeAsync(
            OAuthTestClient.AuthorizeUrl(client.ClientId, redirectUri, "openid offline_access tasks:read", Pkce.Create(), "s2", resource), redirectUri, ct);
        Assert.NotNull(again);
        Assert.DoesNotContain("/account/consent", oauth.VisitedPages);

        // 5. Refresh rotates the refresh token and issues a new access token that also works.
        var refreshed = await oauth.RefreshAsync(client, token.RefreshToken!, cancellationToken: ct);
        Assert.Equal(HttpStatusCode.OK, refreshed.Status);
        Assert.NotEqual(token.RefreshToken, refreshed.RefreshToken);
        using var afterRefresh = await Send(oauth.Api, HttpMethod.Get, "api/tasks", refreshed.AccessToken!, ct);
        Assert.Equal(HttpStatusCode.OK, afterRefresh.StatusCode);

        // 6. Revoke the new access token (RFC 7009): the edge refuses it on the very next request.
        using var revoke = await oauth.Api.PostAsync("oauth/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = refreshed.AccessToken!,
            ["token_type_hint"] = "access_token",
            ["client_id"] = client.ClientId,
        }), ct);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        using var revoked = await Send(oauth.Api, HttpMethod.Get, "api/tasks", refreshed.AccessToken!, ct);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        Assert.Contains("error=\"invalid_token\"", revoked.Headers.WwwAuthenticate.ToString());
        var revokedBody = await revoked.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal("invalid_token", revokedBody.GetProperty("error").GetString());
    }

    internal static async Task<HttpResponseMessage> Send(HttpClient http, HttpMethod method, string path, string token, CancellationToken ct, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request, ct);
    }

    internal static string ParseParameter(string header, string name)
    {
        var start = header.IndexOf(name + "=\"", StringComparison.Ordinal) + name.Length + 2;
        return header[start..header.IndexOf('"', start)];
    }
}
