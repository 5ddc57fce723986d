using System.Net;
using System.Security.Cryptography;
using Facade.Proxy.Edge;
using Facade.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Facade.Proxy.Tests.Security;

/// <summary>
/// The edge remembers a validated token by its SHA-256 instead of checking its signature on every request. What it
/// remembers must never let a request through that a full validation would refuse: a revoked token is refused on the
/// next request, a token past its expiry is refused, and nothing but the exact same token string is a hit.
/// </summary>
public sealed class EdgeTokenCacheTests(NoClockSkewEdgeFixture edge) : IClassFixture<NoClockSkewEdgeFixture>
{
    private const string Path = "api/tasks";

    private EdgeTokenValidator Validator => edge.Host.Services.GetRequiredService<EdgeTokenValidator>();

    [Fact]
    public async Task CachedToken_RevokedInTheLedger_IsRefusedOnTheNextRequest()
    {
        var token = TestTokens.AccessToken(edge.Host.Issuer, "tasks:read");
        var signed = await IssueAsync(token);
        await AssertStatusAsync(signed, HttpStatusCode.OK);
        await AssertStatusAsync(signed, HttpStatusCode.OK);
        Assert.True(Validator.CachedTokens > 0, "The validated token was not remembered.");

        await edge.Ledger.RevokeByJtiAsync(token.Jti!, TestContext.Current.CancellationToken);

        await AssertStatusAsync(signed, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task CachedToken_RevokedAtTheRevocationEndpoint_IsRefusedOnTheNextRequest()
    {
        var (client, issued) = await edge.Browser.GetTokenAsync("tasks:read", cancellationToken: TestContext.Current.CancellationToken);
        var access = issued.AccessToken!;
        await AssertStatusAsync(access, HttpStatusCode.OK);

        using var revoke = await edge.Http.PostAsync("oauth/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = access,
            ["token_type_hint"] = "access_token",
            ["client_id"] = client.ClientId,
        }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        await AssertStatusAsync(access, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task CachedToken_WithAnyOtherSignature_IsValidatedAfresh_AndRefused()
    {
        var signed = await IssueAsync(TestTokens.AccessToken(edge.Host.Issuer, "tasks:read"));
        await AssertStatusAsync(signed, HttpStatusCode.OK);

        var signedPart = signed[..signed.LastIndexOf('.')];
        var forged = signedPart + "." + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(256));
        await AssertStatusAsync(forged, HttpStatusCode.Unauthorized);

        // Same bytes with a trailing change a lenient decoder might ignore.
        await AssertStatusAsync(signed + "A", HttpStatusCode.Unauthorized);
        await AssertStatusAsync(signed, HttpStatusCode.OK);
    }

    [Fact]
    public async Task CachedToken_PastItsExpiry_IsRefused()
    {
        var now = DateTimeOffset.UtcNow;
        var token = TestTokens.AccessToken(edge.Host.Issuer, "tasks:read") with { IssuedAt = now, NotBefore = now, Expires = now.AddSeconds(3) };
        var signed = await IssueAsync(token);
        await AssertStatusAsync(signed, HttpStatusCode.OK);

        await Task.Delay(token.Expires!.Value - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(1200), TestContext.Current.CancellationToken);

        await AssertStatusAsync(signed, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task CachedToken_WithoutTheRouteScope_IsStill403()
    {
        var signed = await IssueAsync(TestTokens.AccessToken(edge.Host.Issuer, "organizations:read"));
        await AssertStatusAsync(signed, HttpStatusCode.Forbidden);
        await AssertStatusAsync(signed, HttpStatusCode.Forbidden);
    }

    /// <summary>A hand-made token in the ledger, signed with the real key: as if the authorization server had issued it.</summary>
    private async Task<string> IssueAsync(TestToken token)
    {
        await edge.RecordAsync(token);
        return token.Sign(edge.SigningKey);
    }

    private async Task AssertStatusAsync(string token, HttpStatusCode expected)
    {
        var (response, probe) = await edge.SendBearerAsync(HttpMethod.Get, Path, token);
        using (response)
        {
            Assert.Equal(expected, response.StatusCode);
            Assert.Equal(expected == HttpStatusCode.OK, edge.BackendRequest(probe) is not null);
        }
    }
}

/// <summary>With the cache turned off every request is validated in full, and nothing is remembered.</summary>
public sealed class EdgeWithoutTokenCacheTests
{
    [Fact]
    public async Task TokenCacheSizeZero_ValidatesEveryRequest_RemembersNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        using var legacy = Facade.Mocks.LegacyApi.LegacyApiServer.Start();
        await using var host = FacadeHost.Start(legacy.Url, new Dictionary<string, string?> { ["Facade:Edge:TokenCacheSize"] = "0" });
        using var oauth = new OAuthTestClient(host.BaseUrl);
        var (_, token) = await oauth.GetTokenAsync("tasks:read", cancellationToken: ct);

        for (var i = 0; i < 3; i++)
        {
            using var response = await EndToEnd.OAuthFlowTests.Send(oauth.Api, HttpMethod.Get, "api/tasks", token.AccessToken!, ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(0, host.Services.GetRequiredService<EdgeTokenValidator>().CachedTokens);
    }
}

/// <summary>The edge with no clock skew allowance, so a token's expiry is exact.</summary>
public sealed class NoClockSkewEdgeFixture : EdgeFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Facade:Edge:ClockSkew"] = "00:00:00",
    };
}
