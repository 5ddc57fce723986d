using System.Net;
using Facade.Mocks.LegacyApi;
using Facade.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Facade.Proxy.Tests.EndToEnd;

/// <summary>
/// "Sign in with …": a second instance of our own authorization server plays the upstream OpenID Connect provider.
/// The user signs in there, comes back linked to a local account, consents, and the client gets a working token.
/// </summary>
public sealed class FederationTests : IAsyncLifetime
{
    private const string UpstreamClientId = "facade-edge";
    private const string UpstreamClientSecret = "upstream-client-secret-0123456789";

    private LegacyApiServer _legacy = null!;
    private FacadeHost _upstream = null!;
    private FacadeHost _edge = null!;

    public async ValueTask InitializeAsync()
    {
        _legacy = LegacyApiServer.Start();
        _upstream = FacadeHost.Start();

        // The upstream is addressed as "localhost" so its session cookie does not collide with the edge's on 127.0.0.1.
        var upstreamAuthority = new UriBuilder(_upstream.BaseUrl) { Host = "localhost" }.Uri;
        _edge = FacadeHost.Start(_legacy.Url, new Dictionary<string, string?>
        {
            ["Facade:Upstream:Authority"] = upstreamAuthority.AbsoluteUri,
            ["Facade:Upstream:ClientId"] = UpstreamClientId,
            ["Facade:Upstream:ClientSecret"] = UpstreamClientSecret,
            ["Facade:Upstream:DisplayName"] = "Upstream IdP",
        });

        // Register the edge at the upstream as a confidential, first-party client once its callback URL is known.
        await using var scope = _upstream.Services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = UpstreamClientId,
            ClientSecret = UpstreamClientSecret,
            ClientType = ClientTypes.Confidential,
            ConsentType = ConsentTypes.Implicit,
            DisplayName = "Facade edge",
            RedirectUris = { new Uri(_edge.BaseUrl, "account/callback/upstream") },
            Permissions =
            {
                Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.GrantTypes.AuthorizationCode,
                Permissions.ResponseTypes.Code, Permissions.Scopes.Profile, Permissions.Scopes.Email, Permissions.Prefixes.Scope + "openid",
            },
        };
        await applications.CreateAsync(descriptor, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _edge.DisposeAsync();
        await _upstream.DisposeAsync();
        _legacy.Dispose();
    }

    [Fact]
    public async Task SignInWithUpstream_LinksUser_AndIssuesWorkingToken()
    {
        var ct = TestContext.Current.CancellationToken;
        using var oauth = new OAuthTestClient(_edge.BaseUrl) { PreferUpstreamSignIn = true };

        var (_, token) = await oauth.GetTokenAsync("openid tasks:read", cancellationToken: ct);

        Assert.Equal(HttpStatusCode.OK, token.Status);
        Assert.Contains(oauth.VisitedPages, p => p == "/account/external/upstream");
        Assert.Contains(oauth.VisitedPages, p => p == "/account/callback/upstream");
        using var tasks = await OAuthFlowTests.Send(oauth.Api, HttpMethod.Get, "api/tasks", token.AccessToken!, ct);
        Assert.Equal(HttpStatusCode.OK, tasks.StatusCode);

        // The token's subject is a local user linked to the upstream account, not the edge's own demo user.
        var jwt = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token.AccessToken);
        await using var scope = _edge.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Data.FacadeUser>>();
        var user = await users.FindByIdAsync(jwt.Subject);
        Assert.NotNull(user);
        Assert.StartsWith("upstream:", user.UserName, StringComparison.Ordinal);
        Assert.Single(await users.GetLoginsAsync(user), l => l.LoginProvider == "upstream");

        // The federated sign-in is recorded like a password one: the ID token says when it happened (auth_time).
        var idToken = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token.Json.GetProperty("id_token").GetString());
        Assert.True(idToken.TryGetPayloadValue<long>("auth_time", out var authTime) && authTime > 0, "The ID token has no auth_time.");
    }

    [Fact]
    public async Task LoginPage_OffersUpstream_OnlyWhenConfigured()
    {
        var ct = TestContext.Current.CancellationToken;
        using var edge = _edge.CreateHttpClient();
        using var upstream = _upstream.CreateHttpClient();

        Assert.Contains("Sign in with Upstream IdP", await edge.GetStringAsync("account/login", ct));
        Assert.DoesNotContain("sign-in-upstream", await upstream.GetStringAsync("account/login", ct));
        using var notConfigured = await upstream.GetAsync("account/external/upstream", ct);
        Assert.Equal(HttpStatusCode.NotFound, notConfigured.StatusCode);
    }
}
