using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Facade.Proxy.Tests.Security;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Facade.Proxy.Tests.ApiKeys;

/// <summary><c>POST /oauth/key-token</c>: a key → the access token the edge mints from it (for the device edge and scripts).</summary>
public sealed class KeyTokenEndpointTests(ApiKeyFixture fixture) : IClassFixture<ApiKeyFixture>
{
    [Fact]
    public async Task AgentKey_FromTheAdminCli_GetsAnAgentsServeTokenWithAgentId()
    {
        var (id, key) = await fixture.CreateOperatorKeyAsync("demo", "agents:serve", agentId: "research");

        using var response = await ExchangeAsync(agentKey: key, authorization: null);

        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.True(response.Headers.CacheControl?.NoStore);
        var json = JsonDocument.Parse(text).RootElement;
        Assert.Equal("Bearer", json.GetProperty("token_type").GetString());
        Assert.Equal("agents:serve", json.GetProperty("scope").GetString());
        Assert.Equal("research", json.GetProperty("agent_id").GetString());
        Assert.InRange(json.GetProperty("expires_in").GetInt64(), 200, 300);
        var jwt = new JsonWebToken(json.GetProperty("access_token").GetString());
        Assert.Equal(id, jwt.GetPayloadValue<string>("client_id"));
        Assert.Equal("research", jwt.GetPayloadValue<string>("agent_id"));
        Assert.Equal("at+jwt", jwt.Typ);
    }

    [Fact]
    public async Task UserKey_GetsAToken_WithoutAgentId()
    {
        var (_, key) = await fixture.CreateKeyAsync("tasks:read");

        using var response = await ExchangeAsync(agentKey: null, authorization: "Bearer " + key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("tasks:read", json.GetProperty("scope").GetString());
        Assert.False(json.TryGetProperty("agent_id", out _));
    }

    [Fact]
    public async Task Jwt_NoCredential_OrRevokedKey_Is401InvalidToken()
    {
        var token = await fixture.CreatorTokenAsync();
        var (id, key) = await fixture.CreateKeyAsync("tasks:read");
        await fixture.Store.RevokeAsync(id, ownerId: null, TestContext.Current.CancellationToken);

        using var jwt = await ExchangeAsync(null, "Bearer " + token);
        using var none = await ExchangeAsync(null, null);
        using var revoked = await ExchangeAsync(null, "Bearer " + key);
        using var malformed = await ExchangeAsync("fk_a_x", null);

        foreach (var response in new[] { jwt, none, revoked, malformed })
        {
            await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_token", token, key);
        }
    }

    private async Task<HttpResponseMessage> ExchangeAsync(string? agentKey, string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth/key-token");
        if (agentKey is not null)
        {
            request.Headers.Add("X-Agent-API-Key", agentKey);
        }

        if (authorization is not null)
        {
            request.Headers.Authorization = AuthenticationHeaderValue.Parse(authorization);
        }

        return await fixture.Http.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
