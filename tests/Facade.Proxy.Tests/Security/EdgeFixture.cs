using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Facade.Mocks.LegacyApi;
using Facade.Proxy.Keys;
using Facade.Proxy.Ledger;
using Facade.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Facade.Proxy.Tests.Security;

/// <summary>
/// One legacy mock and one real edge in front of it, shared by every test of a class (IClassFixture).
/// Subclasses change the edge's settings. Requests are told apart by a unique <see cref="ProbeHeader"/>, so tests
/// never depend on each other's traffic.
/// </summary>
public class EdgeFixture : IAsyncLifetime
{
    public const string ProbeHeader = "X-Test-Probe";

    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _sharedTokens = new(StringComparer.Ordinal);

    public LegacyApiServer Legacy { get; private set; } = null!;

    public FacadeHost Host { get; private set; } = null!;

    /// <summary>A cookie-less, redirect-less client for the edge.</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>
    /// A browser shared by the class's tests: it signs in on its first authorization and keeps the session, so each
    /// later flow costs no password hash. Tests that need a fresh browser use <see cref="CreateOAuthClient"/>.
    /// </summary>
    public OAuthTestClient Browser { get; private set; } = null!;

    /// <summary>The key the authorization server signs access tokens with.</summary>
    public SecurityKey SigningKey => Host.Services.GetRequiredService<KeyRing>().SigningKeys[0];

    public TokenLedger Ledger => Host.Services.GetRequiredService<TokenLedger>();

    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public virtual ValueTask InitializeAsync()
    {
        Legacy = LegacyApiServer.Start();
        Host = FacadeHost.Start(Legacy.Url, Settings);
        Http = Host.CreateHttpClient();
        Browser = CreateOAuthClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        Browser.Dispose();
        Http.Dispose();
        await Host.DisposeAsync();
        Legacy.Dispose();
        GC.SuppressFinalize(this);
    }

    public OAuthTestClient CreateOAuthClient() => new(Host.BaseUrl);

    /// <summary>A real access token from the whole OAuth flow (registration, login, consent, code + PKCE).</summary>
    public async Task<string> GetAccessTokenAsync(string scope)
    {
        var (_, token) = await Browser.GetTokenAsync(scope, cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(token.AccessToken is not null, $"No access token: {token.Json}");
        return token.AccessToken;
    }

    /// <summary>
    /// A real access token for <paramref name="scope"/>, fetched once per fixture: for tests that only present it.
    /// Tests that revoke, refresh or replay must use <see cref="GetAccessTokenAsync"/>.
    /// </summary>
    public Task<string> SharedAccessTokenAsync(string scope) =>
        _sharedTokens.GetOrAdd(scope, s => new Lazy<Task<string>>(() => GetAccessTokenAsync(s))).Value;

    /// <summary>Puts a hand-made token's jti in the ledger, as if the authorization server had issued it.</summary>
    public Task RecordAsync(TestToken token) =>
        Ledger.RecordAsync(new ApiToken
        {
            Jti = token.Jti ?? throw new ArgumentException("The token has no jti.", nameof(token)),
            Subject = token.Subject,
            ClientId = token.ClientId,
            Label = ApiToken.OAuthLabel,
            Scopes = token.Scope ?? "",
            CreatedAt = token.IssuedAt ?? DateTimeOffset.UtcNow,
            ExpiresAt = token.Expires ?? DateTimeOffset.UtcNow.AddMinutes(10),
        }, TestContext.Current.CancellationToken);

    /// <summary>
    /// Sends a request through the edge with a raw <c>Authorization</c> value (or none) and a fresh probe header;
    /// returns the response and the probe to find what, if anything, reached the backend.
    /// </summary>
    public async Task<(HttpResponseMessage Response, string Probe)> SendAsync(
        HttpMethod method, string path, string? authorization, IEnumerable<KeyValuePair<string, string>>? headers = null, HttpContent? content = null)
    {
        var probe = Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.TryAddWithoutValidation(ProbeHeader, probe);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        foreach (var (name, value) in headers ?? [])
        {
            Assert.True(request.Headers.TryAddWithoutValidation(name, value), $"Cannot send header '{name}'.");
        }

        return (await Http.SendAsync(request, TestContext.Current.CancellationToken), probe);
    }

    public Task<(HttpResponseMessage Response, string Probe)> SendBearerAsync(HttpMethod method, string path, string token,
        IEnumerable<KeyValuePair<string, string>>? headers = null, HttpContent? content = null) =>
        SendAsync(method, path, new AuthenticationHeaderValue("Bearer", token).ToString(), headers, content);

    /// <summary>What the backend received for a probe, or null when the edge stopped the request.</summary>
    public RecordedRequest? BackendRequest(string probe) =>
        Legacy.Requests.SingleOrDefault(r => r.Header(ProbeHeader) == probe);

    /// <summary>The resource metadata URL a 401/403 for <c>/api/…</c> must point to.</summary>
    public string ApiResourceMetadata => Host.Issuer + ".well-known/oauth-protected-resource/api";
}
