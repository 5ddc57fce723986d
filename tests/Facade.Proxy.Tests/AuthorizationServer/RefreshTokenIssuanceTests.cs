using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Facade.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Facade.Proxy.Tests.AuthorizationServer;

/// <summary>
/// Who gets a refresh token: a client registered with the refresh_token grant, whether or not it asked for
/// offline_access (MCP clients do not), unless that is turned off; a client without the grant, never.
/// </summary>
public sealed class RefreshTokenIssuanceTests
{
    private const string RedirectUri = "http://127.0.0.1:9/callback";

    [Fact]
    public async Task ClientWithTheRefreshGrant_GetsARefreshToken_WithoutAskingForOfflineAccess()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = FacadeHost.Start();
        using var oauth = new OAuthTestClient(host.BaseUrl);

        var (client, token) = await oauth.GetTokenAsync("tasks:read", cancellationToken: ct);

        Assert.Equal(HttpStatusCode.OK, token.Status);
        Assert.NotNull(token.RefreshToken);
        Assert.Contains("offline_access", token.Json.GetProperty("scope").GetString()!.Split(' '));
        Assert.Contains("offline_access", new JsonWebToken(token.AccessToken).GetPayloadValue<string>("scope").Split(' '));
        var refreshed = await oauth.RefreshAsync(client, token.RefreshToken!, cancellationToken: ct);
        Assert.Equal(HttpStatusCode.OK, refreshed.Status);
        Assert.NotNull(refreshed.RefreshToken);

        // Both access tokens' entries and ledger rows were saved with their refresh token's entry, in one commit.
        await using (var scope = host.Services.CreateAsyncScope())
        {
            Assert.IsType<Facade.Proxy.AuthorizationServer.BatchedTokenEntryStore>(
                scope.ServiceProvider.GetRequiredService<OpenIddict.Abstractions.IOpenIddictTokenStore<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreToken>>());
        }

        await AssertRecordedAsync(host, token.AccessToken!, ct);
        await AssertRecordedAsync(host, refreshed.AccessToken!, ct);
    }

    [Fact]
    public async Task WithTheSettingOff_NoOfflineAccessMeansNoRefreshToken()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = FacadeHost.Start(settings: new Dictionary<string, string?> { ["Facade:Tokens:RefreshTokensWithoutOfflineAccess"] = "false" });
        using var oauth = new OAuthTestClient(host.BaseUrl);

        var (_, token) = await oauth.GetTokenAsync("tasks:read", cancellationToken: ct);

        Assert.Equal(HttpStatusCode.OK, token.Status);
        Assert.Null(token.RefreshToken);
        Assert.DoesNotContain("offline_access", token.Json.GetProperty("scope").GetString()!.Split(' '));

        // No refresh token came with them: the ledger row and the access token's entry were still written before the
        // answer (proxy/AuthorizationServer/SaveGrantHandler.cs).
        await AssertRecordedAsync(host, token.AccessToken!, ct);
    }

    [Theory]
    [InlineData("tasks:read")]
    [InlineData("tasks:read offline_access")]
    public async Task ClientWithoutTheRefreshGrant_NeverGetsARefreshToken(string scope)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = FacadeHost.Start();
        using var oauth = new OAuthTestClient(host.BaseUrl);
        using var registration = await oauth.Api.PostAsJsonAsync("oauth/register", new Dictionary<string, object>
        {
            ["client_name"] = "No refresh",
            ["redirect_uris"] = new[] { RedirectUri },
            ["grant_types"] = new[] { "authorization_code" },
            ["token_endpoint_auth_method"] = "none",
        }, ct);
        Assert.Equal(HttpStatusCode.Created, registration.StatusCode);
        var client = new RegisteredClient((await registration.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("client_id").GetString()!, null, RedirectUri);
        var pkce = Pkce.Create();

        var query = await oauth.FollowAuthorizeAsync(OAuthTestClient.AuthorizeUrl(client.ClientId, RedirectUri, scope, pkce, "s", host.Issuer), RedirectUri, ct);

        // Asking for offline_access without the grant is refused outright (OpenIddict's own check); otherwise the
        // code's tokens carry no refresh token.
        if (scope.Contains("offline_access", StringComparison.Ordinal))
        {
            Assert.Null(query);
            Assert.Equal(HttpStatusCode.BadRequest, oauth.LastResponse?.Status);
            Assert.Contains("invalid_request", oauth.LastResponse?.Body);
            return;
        }

        Assert.True(query is not null && query.TryGetValue("code", out _), $"The authorize endpoint answered {oauth.LastResponse}");
        var code = query["code"];

        var token = await oauth.ExchangeCodeAsync(client, code, pkce.Verifier, host.Issuer, ct);
        Assert.Equal(HttpStatusCode.OK, token.Status);
        Assert.Null(token.RefreshToken);
        Assert.DoesNotContain("offline_access", token.Json.GetProperty("scope").GetString()!.Split(' '));

        // No refresh token came with them: the ledger row and the access token's entry were still written before the
        // answer (proxy/AuthorizationServer/SaveGrantHandler.cs).
        await AssertRecordedAsync(host, token.AccessToken!, ct);
    }

    /// <summary>The token is in the ledger the edge asks, and OpenIddict's entry its <c>oi_tkn_id</c> names exists.</summary>
    private static async Task AssertRecordedAsync(FacadeHost host, string accessToken, CancellationToken ct)
    {
        var ledger = host.Services.GetRequiredService<Facade.Proxy.Ledger.TokenLedger>();
        await using var services = host.Services.CreateAsyncScope();
        var db = services.ServiceProvider.GetRequiredService<Facade.Proxy.Data.FacadeDbContext>();
        var jwt = new JsonWebToken(accessToken);
        Assert.True(await db.ApiTokens.AnyAsync(t => t.Jti == jwt.Id, ct));
        Assert.True(await ledger.IsActiveAsync(jwt.Id, ct));

        var entryId = jwt.GetPayloadValue<string>("oi_tkn_id");
        var tokens = services.ServiceProvider.GetRequiredService<OpenIddict.Abstractions.IOpenIddictTokenManager>();
        var entry = await tokens.FindByIdAsync(entryId, ct);
        Assert.NotNull(entry);
        Assert.Contains(await tokens.GetTypeAsync(entry, ct), new[] { "access_token", "urn:ietf:params:oauth:token-type:access_token" });
    }
}
