using System.Net;
using Facade.Mocks.LegacyApi;
using Facade.Proxy.Tests.EndToEnd;
using Facade.Testing;
using Facade.Proxy.AuthorizationServer;
using Facade.Proxy.Data;
using Facade.Proxy.Ledger;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Facade.Proxy.Tests.Security;

/// <summary>
/// A refresh token presented twice. Without a leeway (the default) the second presentation is reuse, however close
/// the two are; with a leeway, a second presentation within it gets the first one's tokens again (the same strings),
/// never a second family, and after it, it is reuse.
/// </summary>
public sealed class RefreshTokenReuseTests : IAsyncLifetime
{
    private const string Leeway = "00:00:30";
    private readonly LegacyApiServer _legacy = LegacyApiServer.Start();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        _legacy.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task WithLeeway_ASecondRedemptionWithinIt_GetsTheSameTokens_AndAfterIt_IsReuse()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = FacadeHost.Start(_legacy.Url, new Dictionary<string, string?> { ["Facade:Tokens:RefreshTokenReuseLeeway"] = Leeway },
            services: s => s.AddSingleton<TimeProvider>(time));
        using var oauth = new OAuthTestClient(host.BaseUrl);
        var (client, token) = await oauth.GetTokenAsync("tasks:read offline_access", cancellationToken: ct);

        var first = await oauth.RefreshAsync(client, token.RefreshToken!, cancellationToken: ct);
        var second = await oauth.RefreshAsync(client, token.RefreshToken!, cancellationToken: ct);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.True(second.NoStore, "Cache-Control: no-store is missing on the replayed response.");
        Assert.Equal(first.AccessToken, second.AccessToken);
        Assert.Equal(first.RefreshToken, second.RefreshToken);
        await AssertEdgeAsync(oauth, first.AccessToken!, HttpStatusCode.OK);

        time.Advance(TimeSpan.Parse(Leeway, System.Globalization.CultureInfo.InvariantCulture) + TimeSpan.FromSeconds(1));
        var late = await oauth.RefreshAsync(client, token.RefreshToken!, cancellationToken: ct);

        Assert.Equal(HttpStatusCode.BadRequest, late.Status);
        Assert.Equal("invalid_grant", late.Error);
        var rotated = await oauth.RefreshAsync(client, first.RefreshToken!, cancellationToken: ct);
        Assert.Equal("invalid_grant", rotated.Error);
        await AssertEdgeAsync(oauth, first.AccessToken!, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task WithLeeway_ParallelRedemptions_AllGetTheSameTokens()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = FacadeHost.Start(_legacy.Url, new Dictionary<string, string?> { ["Facade:Tokens:RefreshTokenReuseLeeway"] = Leeway });
        using var oauth = new OAuthTestClient(host.BaseUrl);
        var (client, token) = await oauth.GetTokenAsync("tasks:read offline_access", cancellationToken: ct);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => oauth.RefreshAsync(client, token.RefreshToken!, cancellationToken: ct)));

        Assert.All(results, r => Assert.True(r.Status == HttpStatusCode.OK, r.Json.ToString()));
        Assert.Single(results.Select(r => r.AccessToken).Distinct());
        Assert.Single(results.Select(r => r.RefreshToken).Distinct());
        var next = await oauth.RefreshAsync(client, results[0].RefreshToken!, cancellationToken: ct);
        Assert.Equal(HttpStatusCode.OK, next.Status);
    }

    [Fact]
    public async Task WithoutLeeway_ParallelRedemptions_OneWins_AndTheWholeGrantDies()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = FacadeHost.Start(_legacy.Url);
        using var oauth = new OAuthTestClient(host.BaseUrl);
        var (client, token) = await oauth.GetTokenAsync("tasks:read offline_access", cancellationToken: ct);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => oauth.RefreshAsync(client, token.RefreshToken!, cancellationToken: ct)));

        var winner = Assert.Single(results, r => r.Status == HttpStatusCode.OK);
        Assert.All(results.Where(r => r != winner), r => Assert.Equal("invalid_grant", r.Error));
        var afterwards = await oauth.RefreshAsync(client, winner.RefreshToken!, cancellationToken: ct);

        // Seen once in CI under heavy load with no error code at all: the status and body say what came back instead.
        Assert.True(afterwards.Error == "invalid_grant", $"the winner's refresh token after reuse: {(int)afterwards.Status} {afterwards.Json}");
    }

    /// <summary>
    /// The race behind the test above, made deterministic: a redemption has claimed the refresh token but not yet minted
    /// its new pair when the token comes again. OpenIddict refuses the second presentation and revokes the grant's
    /// tokens that exist now; the authorization itself must die too, or the pair minted a moment later would live on.
    /// </summary>
    [Fact]
    public async Task ReuseWhileTheFirstRedemptionIsStillMinting_RevokesTheAuthorization_SoItsLaterTokensDie()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = FacadeHost.Start(_legacy.Url);
        using var oauth = new OAuthTestClient(host.BaseUrl);
        var (client, token) = await oauth.GetTokenAsync("tasks:read offline_access", cancellationToken: ct);
        string authorizationId;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var tokens = scope.ServiceProvider.GetRequiredService<OpenIddict.Abstractions.IOpenIddictTokenManager>();
            var refresh = await tokens.FindByReferenceIdAsync(token.RefreshToken!, ct) ?? await FindRefreshTokenAsync(tokens, ct);
            authorizationId = (await tokens.GetAuthorizationIdAsync(refresh, ct))!;

            // What the first redemption's claim does (RefreshTokenRedemption) before it mints anything.
            var descriptor = new OpenIddict.Abstractions.OpenIddictTokenDescriptor();
            await tokens.PopulateAsync(descriptor, refresh, ct);
            descriptor.Status = OpenIddict.Abstractions.OpenIddictConstants.Statuses.Redeemed;
            descriptor.RedemptionDate = DateTimeOffset.UtcNow;
            await tokens.UpdateAsync(refresh, descriptor, ct);
        }

        var again = await oauth.RefreshAsync(client, token.RefreshToken!, cancellationToken: ct);

        Assert.Equal("invalid_grant", again.Error);
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var authorizations = scope.ServiceProvider.GetRequiredService<OpenIddict.Abstractions.IOpenIddictAuthorizationManager>();
            var authorization = await authorizations.FindByIdAsync(authorizationId, ct);
            Assert.Equal(OpenIddict.Abstractions.OpenIddictConstants.Statuses.Revoked, await authorizations.GetStatusAsync(authorization!, ct));
        }
    }

    /// <summary>
    /// The same race, decided where it is now decided without a leeway: another node redeems the token after this
    /// request passed validation and minted its tokens, but before it saved them. The redemption and the new entries
    /// are one transaction, so this request writes none of them, answers invalid_grant, and the grant dies.
    /// </summary>
    [Fact]
    public async Task WithoutLeeway_TheTokenRedeemedElsewhereBeforeTheSave_NothingOfThisGrantIsWritten_AndTheGrantDies()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = FacadeHost.Start(_legacy.Url, services: s => BeforeRefreshSave(s, async (http, presentedTokenId) =>
        {
            await using var scope = http.RequestServices.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
            var other = scope.ServiceProvider.GetRequiredService<FacadeDbContext>();
            await other.Set<OpenIddictEntityFrameworkCoreToken>().Where(t => t.Id == presentedTokenId)
                .ExecuteUpdateAsync(set => set.SetProperty(t => t.Status, Statuses.Redeemed), ct);
        }));
        using var oauth = new OAuthTestClient(host.BaseUrl);
        var (client, token) = await oauth.GetTokenAsync("tasks:read offline_access", cancellationToken: ct);
        var (entriesBefore, ledgerBefore) = await CountAsync(host, ct);

        var refreshed = await oauth.RefreshAsync(client, token.RefreshToken!, cancellationToken: ct);

        Assert.Equal(HttpStatusCode.BadRequest, refreshed.Status);
        Assert.Equal("invalid_grant", refreshed.Error);
        Assert.Null(refreshed.AccessToken);
        Assert.Equal((entriesBefore, ledgerBefore), await CountAsync(host, ct));
        await AssertEdgeAsync(oauth, token.AccessToken!, HttpStatusCode.Unauthorized);
    }

    /// <summary>A grant whose save fails (here a conflicting ledger row) rolls its redemption back: the client may retry with the same token.</summary>
    [Fact]
    public async Task WithoutLeeway_ARefreshWhoseSaveFails_LeavesTheRefreshTokenValid()
    {
        var ct = TestContext.Current.CancellationToken;
        string? conflictingJti = null;
        await using var host = FacadeHost.Start(_legacy.Url, services: s => BeforeRefreshSave(s, (http, _) =>
        {
            if (Interlocked.Exchange(ref conflictingJti, null) is { } jti)
            {
                http.RequestServices.GetRequiredService<FacadeDbContext>().ApiTokens.Add(new ApiToken { Jti = jti, Subject = "x", Label = ApiToken.OAuthLabel });
            }

            return Task.CompletedTask;
        }));
        using var oauth = new OAuthTestClient(host.BaseUrl);
        var (client, token) = await oauth.GetTokenAsync("tasks:read offline_access", cancellationToken: ct);
        conflictingJti = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token.AccessToken).Id;

        var failed = await oauth.RefreshAsync(client, token.RefreshToken!, cancellationToken: ct);
        var retried = await oauth.RefreshAsync(client, token.RefreshToken!, cancellationToken: ct);

        Assert.Equal(HttpStatusCode.InternalServerError, failed.Status);
        Assert.Null(failed.AccessToken);
        Assert.True(retried.Status == HttpStatusCode.OK, retried.Json.ToString());
        await AssertEdgeAsync(oauth, retried.AccessToken!, HttpStatusCode.OK);
        await AssertEdgeAsync(oauth, token.AccessToken!, HttpStatusCode.OK);
        var next = await oauth.RefreshAsync(client, retried.RefreshToken!, cancellationToken: ct);
        Assert.Equal(HttpStatusCode.OK, next.Status);
    }

    /// <summary>Runs <paramref name="act"/> in each refresh grant right before the grant is saved, with the presented token's entry id.</summary>
    private static void BeforeRefreshSave(IServiceCollection services, Func<HttpContext, string, Task> act) =>
        services.AddOpenIddict().AddServer(server => server.AddEventHandler<ProcessSignInContext>(handler => handler
            .UseInlineHandler(async context =>
            {
                if (context.Request.IsRefreshTokenGrantType()
                    && RefreshTokenRedemption.Presented(context.Transaction)?.GetTokenId() is { } tokenId)
                {
                    await act(context.Transaction.GetHttpRequest()!.HttpContext, tokenId);
                }
            })
            .SetOrder(SaveGrantHandler.Descriptor.Order - 1)));

    private static async Task<(int Entries, int LedgerRows)> CountAsync(FacadeHost host, CancellationToken ct)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacadeDbContext>();
        return (await db.Set<OpenIddictEntityFrameworkCoreToken>().CountAsync(ct), await db.ApiTokens.CountAsync(ct));
    }

    private static async Task<object> FindRefreshTokenAsync(OpenIddict.Abstractions.IOpenIddictTokenManager tokens, CancellationToken ct)
    {
        await foreach (var candidate in tokens.ListAsync(count: null, offset: null, ct))
        {
            if (await tokens.GetTypeAsync(candidate, ct) is OpenIddict.Abstractions.OpenIddictConstants.TokenTypeIdentifiers.RefreshToken
                or OpenIddict.Abstractions.OpenIddictConstants.TokenTypeHints.RefreshToken
                && await tokens.HasStatusAsync(candidate, OpenIddict.Abstractions.OpenIddictConstants.Statuses.Valid, ct))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("No valid refresh token entry.");
    }

    private static async Task AssertEdgeAsync(OAuthTestClient oauth, string accessToken, HttpStatusCode expected)
    {
        using var response = await OAuthFlowTests.Send(oauth.Api, HttpMethod.Get, "api/tasks", accessToken, TestContext.Current.CancellationToken);
        Assert.Equal(expected, response.StatusCode);
    }
}
