using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Facade.Mocks.LegacyApi;
using Facade.Proxy.Tests.EndToEnd;
using Facade.Testing;

namespace Facade.Proxy.Tests.Edge;

/// <summary>Routes pick a rate limit policy in yarp.json; each token (or address) has its own window.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task Route_OverItsLimit_Returns429Json_PerToken()
    {
        var ct = TestContext.Current.CancellationToken;
        using var legacy = LegacyApiServer.Start();
        await using var host = FacadeHost.Start(legacy.Url, new Dictionary<string, string?>
        {
            ["Facade:RateLimits:Policies:per-caller:PermitLimit"] = "3",
            ["Facade:RateLimits:Policies:per-caller:Window"] = "00:10:00",
        });
        using var oauth = new OAuthTestClient(host.BaseUrl);
        var (_, first) = await oauth.GetTokenAsync("tasks:read", cancellationToken: ct);
        var (_, second) = await oauth.GetTokenAsync("tasks:read", cancellationToken: ct);

        for (var i = 0; i < 3; i++)
        {
            using var allowed = await OAuthFlowTests.Send(oauth.Api, HttpMethod.Get, "api/tasks", first.AccessToken!, ct);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var limited = await OAuthFlowTests.Send(oauth.Api, HttpMethod.Get, "api/tasks", first.AccessToken!, ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("too_many_requests", (await limited.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("error").GetString());

        using var otherCaller = await OAuthFlowTests.Send(oauth.Api, HttpMethod.Get, "api/tasks", second.AccessToken!, ct);
        Assert.Equal(HttpStatusCode.OK, otherCaller.StatusCode);
    }
}
