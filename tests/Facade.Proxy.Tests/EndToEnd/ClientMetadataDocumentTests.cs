using System.Net;
using System.Text.Json;
using Facade.Mocks.LegacyApi;
using Facade.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Facade.Proxy.Tests.EndToEnd;

/// <summary>
/// Client ID Metadata Documents: the client_id is the URL of a JSON document the client hosts. Here a small Kestrel
/// app on loopback serves the documents (loopback http is allowed only in Development).
/// </summary>
public sealed class ClientMetadataDocumentTests : IAsyncLifetime
{
    private const string RedirectUri = "http://127.0.0.1:7788/callback";
    private readonly Dictionary<string, Func<string, string>> _documents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _fetches = new(StringComparer.Ordinal);
    private LegacyApiServer _legacy = null!;
    private FacadeHost _host = null!;
    private WebApplication _clientSite = null!;
    private string _clientSiteUrl = "";

    public async ValueTask InitializeAsync()
    {
        _legacy = LegacyApiServer.Start();
        _host = FacadeHost.Start(_legacy.Url);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _clientSite = builder.Build();
        _clientSite.MapGet("/{name}", (string name, HttpContext http) =>
        {
            lock (_fetches)
            {
                _fetches[name] = _fetches.GetValueOrDefault(name) + 1;
            }

            return _documents.TryGetValue(name, out var document)
                ? Results.Text(document($"{_clientSiteUrl}/{name}"), "application/json")
                : Results.NotFound();
        });
        await _clientSite.StartAsync(TestContext.Current.CancellationToken);
        _clientSiteUrl = _clientSite.Urls.First();

        foreach (var name in new[] { "good.json", "a.json", "b.json", "c.json" })
        {
            _documents[name] = GoodDocument;
        }

        _documents["mismatch.json"] = _ => JsonSerializer.Serialize(new { client_id = "https://someone-else.example/client.json", redirect_uris = new[] { RedirectUri } });
        _documents["secret.json"] = url => JsonSerializer.Serialize(new { client_id = url, redirect_uris = new[] { RedirectUri }, token_endpoint_auth_method = "client_secret_basic" });
        _documents["huge.json"] = url => JsonSerializer.Serialize(new { client_id = url, redirect_uris = new[] { RedirectUri }, padding = new string('x', 20_000) });
        _documents["notjson.json"] = _ => "<html>not json</html>";
    }

    private static string GoodDocument(string url) => JsonSerializer.Serialize(new
    {
        client_id = url,
        client_name = "Metadata Document Client",
        redirect_uris = new[] { RedirectUri },
        grant_types = new[] { "authorization_code", "refresh_token" },
        response_types = new[] { "code" },
        token_endpoint_auth_method = "none",
    });

    private async Task RestartEdgeAsync(Dictionary<string, string?> settings)
    {
        await _host.DisposeAsync();
        _host = FacadeHost.Start(_legacy.Url, settings);
    }

    /// <summary>An authorize request for a document client from a browser that is not signed in (no redirects followed).</summary>
    private async Task<HttpResponseMessage> AuthorizeAnonymouslyAsync(string document, CancellationToken ct)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _host.BaseUrl };
        return await http.GetAsync(
            OAuthTestClient.AuthorizeUrl($"{_clientSiteUrl}/{document}", RedirectUri, "tasks:read", Pkce.Create(), "s", _host.Issuer), ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _clientSite.DisposeAsync();
        await _host.DisposeAsync();
        _legacy.Dispose();
    }

    [Fact]
    public async Task MetadataDocumentClient_AuthorizesWithoutRegistration_AndCallsTheApi()
    {
        var ct = TestContext.Current.CancellationToken;
        using var oauth = new OAuthTestClient(_host.BaseUrl);
        var client = new RegisteredClient($"{_clientSiteUrl}/good.json", null, RedirectUri);
        var pkce = Pkce.Create();

        var query = await oauth.FollowAuthorizeAsync(
            OAuthTestClient.AuthorizeUrl(client.ClientId, RedirectUri, "tasks:read offline_access", pkce, "cimd", _host.Issuer), RedirectUri, ct);
        Assert.NotNull(query);
        var token = await oauth.ExchangeCodeAsync(client, query["code"], pkce.Verifier, _host.Issuer, ct);
        Assert.Equal(HttpStatusCode.OK, token.Status);
        Assert.Equal(client.ClientId, new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token.AccessToken).GetPayloadValue<string>("client_id"));

        using var tasks = await OAuthFlowTests.Send(oauth.Api, HttpMethod.Get, "api/tasks", token.AccessToken!, ct);
        Assert.Equal(HttpStatusCode.OK, tasks.StatusCode);

        // The document is cached: a second authorization does not fetch it again.
        var second = await oauth.FollowAuthorizeAsync(
            OAuthTestClient.AuthorizeUrl(client.ClientId, RedirectUri, "tasks:read offline_access", Pkce.Create(), "again", _host.Issuer), RedirectUri, ct);
        Assert.NotNull(second);
        Assert.Equal(1, _fetches["good.json"]);
    }

    [Theory]
    [InlineData("mismatch.json")]
    [InlineData("secret.json")]
    [InlineData("huge.json")]
    [InlineData("notjson.json")]
    [InlineData("missing.json")]
    public async Task BadMetadataDocument_IsRefused_WithoutRedirect(string document)
    {
        var ct = TestContext.Current.CancellationToken;
        using var oauth = new OAuthTestClient(_host.BaseUrl);
        var query = await oauth.FollowAuthorizeAsync(
            OAuthTestClient.AuthorizeUrl($"{_clientSiteUrl}/{document}", RedirectUri, "tasks:read", Pkce.Create(), "bad", _host.Issuer), RedirectUri, ct);

        // Never redirected: with an unusable client the redirect_uri cannot be trusted (RFC 6749 §4.1.2.1).
        Assert.Null(query);
        Assert.Contains(oauth.LastResponse!.Value.Status, new[] { HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized });
        var body = JsonDocument.Parse(oauth.LastResponse.Value.Body).RootElement;
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task RedirectUriNotInDocument_IsRefused()
    {
        var ct = TestContext.Current.CancellationToken;
        using var oauth = new OAuthTestClient(_host.BaseUrl);
        const string other = "http://127.0.0.1:7789/elsewhere";
        var query = await oauth.FollowAuthorizeAsync(
            OAuthTestClient.AuthorizeUrl($"{_clientSiteUrl}/good.json", other, "tasks:read", Pkce.Create(), "bad", _host.Issuer), other, ct);

        Assert.Null(query);
        Assert.Equal(HttpStatusCode.BadRequest, oauth.LastResponse!.Value.Status);
    }

    [Fact]
    public async Task DocumentFetches_AreThrottledPerAddress_With429AndRetryAfter()
    {
        var ct = TestContext.Current.CancellationToken;
        await RestartEdgeAsync(new() { ["Facade:Registration:PermitsPerMinute"] = "2" });

        using var first = await AuthorizeAnonymouslyAsync("a.json", ct);
        using var second = await AuthorizeAnonymouslyAsync("b.json", ct);
        Assert.Equal(HttpStatusCode.Found, first.StatusCode);
        Assert.Equal(HttpStatusCode.Found, second.StatusCode);

        using var third = await AuthorizeAnonymouslyAsync("c.json", ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.True(third.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 without Retry-After");
        var body = JsonDocument.Parse(await third.Content.ReadAsStringAsync(ct)).RootElement;
        Assert.Equal("too_many_requests", body.GetProperty("error").GetString());
        lock (_fetches)
        {
            Assert.False(_fetches.ContainsKey("c.json"), "a throttled document must not be fetched");
        }

        // A document already fetched is served from the cache and costs no permit.
        using var again = await AuthorizeAnonymouslyAsync("a.json", ct);
        Assert.Equal(HttpStatusCode.Found, again.StatusCode);
    }

    [Fact]
    public async Task DocumentCache_IsBounded()
    {
        var ct = TestContext.Current.CancellationToken;
        await RestartEdgeAsync(new() { ["Facade:Registration:MetadataDocumentCacheEntries"] = "2" });

        foreach (var document in new[] { "a.json", "b.json", "c.json", "good.json", "missing.json" })
        {
            using var response = await AuthorizeAnonymouslyAsync(document, ct);
        }

        var documents = _host.Services.GetRequiredService<Facade.Proxy.Registration.ClientMetadataDocuments>();
        Assert.InRange(documents.CachedDocuments, 1, 2);
    }
}
