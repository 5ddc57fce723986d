using System.Net;
using Facade.Proxy.Keys;
using Facade.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Facade.McpAdapter.Tests.Security;

/// <summary>
/// When the adapter cannot reach the edge's revocation feed for longer than its staleness bound it cannot know which
/// tokens were revoked: it fails closed (503 <c>introspection_unavailable</c>), never open.
/// </summary>
public sealed class RevocationFeedFailClosedTests
{
    [Fact]
    public async Task EdgeDown_PastTheStalenessBound_TokenRequestsAre503()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var stack = FacadeStack.Start(adapterSettings: new Dictionary<string, string?>
        {
            ["Adapter:Revocations:PollInterval"] = "00:00:00.200",
            ["Adapter:Revocations:StalenessBound"] = "00:00:02",
        });
        var key = stack.Edge.Services.GetRequiredService<KeyRing>().SigningKeys[0];
        var token = TestTokens.AccessToken(stack.Edge.Issuer, "tasks:read").Sign(key);
        using (var before = await AdapterStackFixture.PollUntilAsync(
            () => McpHttp.PostAsync(stack.Adapter.BaseUrl, "mcp", token, McpHttp.ToolsList), HttpStatusCode.OK, TimeSpan.FromSeconds(30)))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await stack.Edge.DisposeAsync();

        using var after = await AdapterStackFixture.PollUntilAsync(
            () => McpHttp.PostAsync(stack.Adapter.BaseUrl, "mcp", token, McpHttp.ToolsList), HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30));
        await JsonError.AssertAsync(after, HttpStatusCode.ServiceUnavailable, "introspection_unavailable", token);
        Assert.NotNull(after.Headers.RetryAfter);

        // Without a token there is nothing to check: still the plain 401 challenge. Readiness reports the outage.
        using (var anonymous = await McpHttp.PostAsync(stack.Adapter.BaseUrl, "mcp", null, McpHttp.ToolsList))
        {
            await JsonError.AssertAsync(anonymous, HttpStatusCode.Unauthorized, "unauthorized");
        }

        using var http = new HttpClient { BaseAddress = stack.Adapter.BaseUrl };
        using var ready = await http.GetAsync("healthz", ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }
}
