using System.Net;
using System.Net.Http.Json;
using Facade.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Facade.Proxy.Tests.Security;

/// <summary>Three permits per ten minutes on every route, so a handful of requests reaches the limit.</summary>
public sealed class RateLimitFixture : EdgeFixture
{
    public const int Permits = 3;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Facade:RateLimits:Policies:per-caller:PermitLimit"] = Permits.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Facade:RateLimits:Policies:per-caller:Window"] = "00:10:00",
    };
}

/// <summary>
/// The per-caller limit is keyed by the token the edge validated, not by the raw header: respelling the header
/// does not buy a new window, and tokens that do not validate (or none) cannot each open a window of their own:
/// they share their address's. Every 429 says when to come back.
/// </summary>
public sealed class EdgeRateLimitTests(RateLimitFixture fixture) : IClassFixture<RateLimitFixture>
{
    [Fact]
    public async Task OneToken_InThreeSpellings_SharesOneWindow()
    {
        var shaped = TestTokens.AccessToken(fixture.Host.Issuer, "tasks:read");
        var token = shaped.Sign(fixture.SigningKey);
        await fixture.RecordAsync(shaped);

        foreach (var authorization in new[] { "bearer " + token, "Bearer  " + token, "Bearer " + token })
        {
            var (response, probe) = await fixture.SendAsync(HttpMethod.Get, "api/tasks", authorization);
            using (response)
            {
                Assert.NotEqual(HttpStatusCode.TooManyRequests, response.StatusCode);
                Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
            }

            Assert.NotNull(fixture.BackendRequest(probe));
        }

        var (limited, limitedProbe) = await fixture.SendAsync(HttpMethod.Get, "api/tasks", "BEARER " + token);
        using (limited)
        {
            await AssertTooManyRequestsAsync(limited, token);
        }

        Assert.Null(fixture.BackendRequest(limitedProbe));
    }

    [Fact]
    public async Task GarbageAndMissingTokens_ShareTheAddressWindow_ValidTokensKeepTheirOwn()
    {
        for (var i = 0; i < RateLimitFixture.Permits; i++)
        {
            var (garbage, _) = await fixture.SendAsync(HttpMethod.Get, "api/tasks", "Bearer garbage-" + Guid.NewGuid().ToString("N"));
            using (garbage)
            {
                await SecurityAssert.JsonErrorAsync(garbage, HttpStatusCode.Unauthorized, "invalid_token");
            }
        }

        var (another, _) = await fixture.SendAsync(HttpMethod.Get, "api/tasks", "Bearer garbage-" + Guid.NewGuid().ToString("N"));
        using (another)
        {
            await AssertTooManyRequestsAsync(another);
        }

        var (none, _) = await fixture.SendAsync(HttpMethod.Get, "api/tasks", authorization: null);
        using (none)
        {
            await AssertTooManyRequestsAsync(none);
        }

        var token = await fixture.SharedAccessTokenAsync("tasks:read");
        var (valid, probe) = await fixture.SendBearerAsync(HttpMethod.Get, "api/tasks", token);
        using (valid)
        {
            Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        }

        Assert.NotNull(fixture.BackendRequest(probe));
    }

    [Fact]
    public async Task Registration_OverItsLimit_429CarriesRetryAfter()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = FacadeHost.Start(settings: new Dictionary<string, string?> { ["Facade:Registration:PermitsPerMinute"] = "1" });
        using var http = host.CreateHttpClient();
        var metadata = new { client_name = "c", redirect_uris = new[] { "http://127.0.0.1:9/cb" }, token_endpoint_auth_method = "none" };

        using (var first = await http.PostAsJsonAsync("oauth/register", metadata, ct))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        using var limited = await http.PostAsJsonAsync("oauth/register", metadata, ct);
        await AssertTooManyRequestsAsync(limited);
    }

    [Theory]
    [InlineData("Facade:RateLimits:Policies:per-caller:PermitLimit", "0", "Facade:RateLimits:Policies:per-caller:PermitLimit")]
    [InlineData("Facade:RateLimits:Policies:per-caller:Window", "00:00:00", "Facade:RateLimits:Policies:per-caller:Window")]
    [InlineData("Facade:RateLimits:Policies:per-caller:Window", "-00:00:01", "Facade:RateLimits:Policies:per-caller:Window")]
    public void InvalidPolicy_StopsTheEdgeAtStart(string key, string value, string message)
    {
        var error = Assert.ThrowsAny<Exception>(() => FacadeHost.Start(settings: new Dictionary<string, string?> { [key] = value }).Dispose());
        Assert.Contains(message, Flatten(error));
    }

    [Fact]
    public async Task RouteNamingAnUnknownPolicy_StopsTheEdgeAtStart()
    {
        var routes = await WriteRoutesAsync("nonexistent", "tasks:read");
        var error = Assert.ThrowsAny<Exception>(() => FacadeHost.Start(settings: new Dictionary<string, string?> { ["Facade:Edge:RoutesFile"] = routes }).Dispose());
        Assert.Contains("'nonexistent'", Flatten(error));
        Assert.Contains("Facade:RateLimits:Policies", Flatten(error));
    }

    [Fact]
    public async Task RouteNamingAnUnknownPolicy_OnHotReload_IsRejected_TheLastGoodRoutesStay()
    {
        var ct = TestContext.Current.CancellationToken;
        var logs = new CapturedLogs();
        var routes = await WriteRoutesAsync("per-caller", "tasks:read");
        await using var host = FacadeHost.Start(fixture.Legacy.Url, new Dictionary<string, string?> { ["Facade:Edge:RoutesFile"] = routes },
            services: s => s.AddSingleton<ILoggerProvider>(logs));
        using var oauth = new OAuthTestClient(host.BaseUrl);
        var (_, token) = await oauth.GetTokenAsync("tasks:read", cancellationToken: ct);

        // The new file would also demand tasks:write: had it been applied, the token would now get 403.
        await File.WriteAllTextAsync(routes, RoutesJson(fixture.Legacy.Url, "nonexistent", "tasks:write"), ct);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!logs.Lines.Any(l => l.Text.Contains("'nonexistent'", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, ct);
        }

        Assert.Contains(logs.Lines, l => l.Text.Contains("'nonexistent'", StringComparison.Ordinal) && l.Text.Contains("Facade:RateLimits:Policies", StringComparison.Ordinal));
        using var response = await oauth.Api.SendAsync(new HttpRequestMessage(HttpMethod.Get, "api/tasks") { Headers = { { "Authorization", "Bearer " + token.AccessToken } } }, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    internal static async Task AssertTooManyRequestsAsync(HttpResponseMessage response, params string[] secrets)
    {
        await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.TooManyRequests, "too_many_requests", secrets);
        Assert.True(response.Headers.RetryAfter?.Delta is { } delta && delta > TimeSpan.Zero,
            $"A 429 without a usable Retry-After: '{response.Headers.RetryAfter}'.");
    }

    private async Task<string> WriteRoutesAsync(string policy, string scope)
    {
        var routes = Path.Combine(Directory.CreateTempSubdirectory("facade-routes-").FullName, "yarp.json");
        await File.WriteAllTextAsync(routes, RoutesJson(fixture.Legacy.Url, policy, scope), TestContext.Current.CancellationToken);
        return routes;
    }

    private static string RoutesJson(string backend, string policy, string scope) => $$"""
        { "ReverseProxy": {
            "Routes": { "tasks": { "ClusterId": "legacy", "Match": { "Path": "/api/tasks/{**rest}" }, "RateLimiterPolicy": "{{policy}}",
                                   "Metadata": { "Facade.Scopes": "{{scope}}" } } },
            "Clusters": { "legacy": { "Destinations": { "primary": { "Address": "{{backend}}" } } } } } }
        """;

    private static string Flatten(Exception exception) =>
        exception.InnerException is null ? exception.Message : exception.Message + " | " + Flatten(exception.InnerException);
}
