using System.Net;
using Facade.Proxy.Ledger;
using Facade.Proxy.Tests.Security;
using Facade.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Facade.Proxy.Tests.ApiKeys;

/// <summary>
/// Keys on proxied routes: the edge turns a user key (<c>Authorization: Bearer fk_u_…</c>) or an agent key
/// (<c>X-Agent-API-Key: fk_a_…</c>) into an at+jwt recorded in the ledger (label api-key) and forwards that; the key
/// never reaches a backend. Precedence agent key &gt; user key &gt; JWT, the highest credential deciding alone.
/// </summary>
public sealed class ApiKeyEdgeTests(ApiKeyFixture fixture) : IClassFixture<ApiKeyFixture>
{
    private static KeyValuePair<string, string> AgentHeader(string key) => new("X-Agent-API-Key", key);

    [Fact]
    public async Task UserKey_OnRest_BackendGetsAMintedAccessToken_NeverTheKey()
    {
        var (id, key) = await fixture.CreateKeyAsync("tasks:read");

        var (response, probe) = await fixture.SendBearerAsync(HttpMethod.Get, "api/tasks", key);

        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await AssertMintedAsync(probe, key, id, "tasks:read", agentId: null);
    }

    [Fact]
    public async Task AgentKey_OnItsAgentsMcp_BackendGetsAMintedAccessTokenWithAgentId_NeverTheKey()
    {
        var (id, key) = await fixture.CreateKeyAsync("agents:invoke", agentId: "research");

        var (response, probe) = await fixture.SendAsync(HttpMethod.Post, "agents/research/mcp", authorization: null, [AgentHeader(key)]);

        response.Dispose();
        await AssertMintedAsync(probe, key, id, "agents:invoke", agentId: "research");
    }

    [Fact]
    public async Task UserKey_OnAgentsMcp_Works()
    {
        var (id, key) = await fixture.CreateKeyAsync("agents:invoke");

        var (response, probe) = await fixture.SendBearerAsync(HttpMethod.Post, "agents/research/mcp", key);

        response.Dispose();
        await AssertMintedAsync(probe, key, id, "agents:invoke", agentId: null);
    }

    [Fact]
    public async Task Jwt_OnAgentsMcp_IsForwardedAsSent()
    {
        var token = await fixture.CreatorTokenAsync();

        var (response, probe) = await fixture.SendBearerAsync(HttpMethod.Post, "agents/research/mcp", token);

        response.Dispose();
        Assert.Equal(token, fixture.ForwardedToken(probe));
    }

    [Theory]
    [InlineData("agents/planner/mcp")]
    [InlineData("api/tasks")]
    public async Task AgentKey_OffItsAgentsRoutes_Is403Json(string path)
    {
        var (_, key) = await fixture.CreateKeyAsync("agents:invoke tasks:read", agentId: "research");

        var (response, probe) = await fixture.SendAsync(path.StartsWith("agents", StringComparison.Ordinal) ? HttpMethod.Post : HttpMethod.Get, path,
            authorization: null, [AgentHeader(key)]);

        using (response)
        {
            await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.Forbidden, "forbidden", key);
        }

        Assert.Null(fixture.BackendRequest(probe));
    }

    [Fact]
    public async Task Precedence_ValidAgentKeyAndValidUserKey_TheAgentKeyDecides()
    {
        var (agentKeyId, agentKey) = await fixture.CreateKeyAsync("agents:invoke", agentId: "research");
        var (_, userKey) = await fixture.CreateKeyAsync("agents:invoke");

        var (response, probe) = await fixture.SendAsync(HttpMethod.Post, "agents/research/mcp", "Bearer " + userKey, [AgentHeader(agentKey)]);

        response.Dispose();
        var forwarded = new JsonWebToken(fixture.ForwardedToken(probe));
        Assert.Equal(agentKeyId, forwarded.GetPayloadValue<string>("client_id"));
        SecurityAssert.NoLeak(string.Join('\n', fixture.BackendRequest(probe)!.Headers.SelectMany(h => h.Value)), agentKey, userKey);
    }

    public static TheoryData<string> HigherInvalid => ["fk_a_not-a-key", "fk_u_" + new string('A', 43), ""];

    [Theory]
    [MemberData(nameof(HigherInvalid))]
    public async Task Precedence_InvalidAgentKeyWithValidJwt_Is401(string agentKey)
    {
        var token = await fixture.CreatorTokenAsync();

        var (response, probe) = await fixture.SendBearerAsync(HttpMethod.Get, "api/tasks", token, [AgentHeader(agentKey)]);

        using (response)
        {
            await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_token", token);
        }

        Assert.Null(fixture.BackendRequest(probe));
    }

    [Fact]
    public async Task Precedence_InvalidAgentKeyWithValidUserKey_Is401()
    {
        var (_, userKey) = await fixture.CreateKeyAsync("agents:invoke");

        var (response, probe) = await fixture.SendBearerAsync(HttpMethod.Post, "agents/research/mcp", userKey, [AgentHeader("fk_a_" + new string('B', 43))]);

        using (response)
        {
            await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_token", userKey);
        }

        Assert.Null(fixture.BackendRequest(probe));
    }

    [Fact]
    public async Task Precedence_ThreeCredentials_ValidAgentKeyDecides_OverUserKeyAndQueryJwt()
    {
        var (agentKeyId, agentKey) = await fixture.CreateKeyAsync("agents:invoke", agentId: "research");
        var (_, userKey) = await fixture.CreateKeyAsync("agents:invoke");
        var token = await fixture.CreatorTokenAsync();

        var (response, probe) = await fixture.SendAsync(HttpMethod.Post, "agents/research/mcp?access_token=" + token, "Bearer " + userKey, [AgentHeader(agentKey)]);

        response.Dispose();
        Assert.Equal(agentKeyId, new JsonWebToken(fixture.ForwardedToken(probe)).GetPayloadValue<string>("client_id"));
    }

    public static TheoryData<string> BadUserKeys => new()
    {
        "fk_u_",
        "fk_u_short",
        "fk_u_" + new string('A', 43),
        "fk_u_" + new string('A', 42) + "!",
        "fk_x_" + new string('A', 43),
        "FK_U_" + new string('A', 43),
    };

    [Theory]
    [MemberData(nameof(BadUserKeys))]
    public async Task MalformedUnknownOrWrongPrefixKeys_Are401(string key)
    {
        var (response, probe) = await fixture.SendBearerAsync(HttpMethod.Get, "api/tasks", key);

        using (response)
        {
            await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_token", key);
        }

        Assert.Null(fixture.BackendRequest(probe));
    }

    [Fact]
    public async Task UserKeySentAsAgentKey_AndAgentKeySentAsBearer_Are401()
    {
        var (_, userKey) = await fixture.CreateKeyAsync("agents:invoke");
        var (_, agentKey) = await fixture.CreateKeyAsync("agents:invoke", agentId: "research");

        var (asAgent, _) = await fixture.SendAsync(HttpMethod.Post, "agents/research/mcp", authorization: null, [AgentHeader(userKey)]);
        var (asBearer, _) = await fixture.SendBearerAsync(HttpMethod.Post, "agents/research/mcp", agentKey);

        using (asAgent)
        using (asBearer)
        {
            await SecurityAssert.JsonErrorAsync(asAgent, HttpStatusCode.Unauthorized, "invalid_token", userKey);
            await SecurityAssert.JsonErrorAsync(asBearer, HttpStatusCode.Unauthorized, "invalid_token", agentKey);
        }
    }

    [Fact]
    public async Task ExpiredKey_Is401()
    {
        var key = await fixture.CreateExpiredKeyAsync("tasks:read");

        var (response, probe) = await fixture.SendBearerAsync(HttpMethod.Get, "api/tasks", key);

        using (response)
        {
            await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_token", key);
        }

        Assert.Null(fixture.BackendRequest(probe));
    }

    [Fact]
    public async Task KeyScopes_StillGateRoutes_403InsufficientScope()
    {
        var (_, key) = await fixture.CreateKeyAsync("organizations:read");

        var (response, _) = await fixture.SendBearerAsync(HttpMethod.Get, "api/tasks", key);

        using (response)
        {
            await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.Forbidden, "insufficient_scope", key);
        }
    }

    [Fact]
    public async Task DeletedKey_Is401AtOnce_AndItsMintedTokenIsInTheRevocationFeed()
    {
        var ct = TestContext.Current.CancellationToken;
        var (id, key) = await fixture.CreateKeyAsync("tasks:read");
        var (first, probe) = await fixture.SendBearerAsync(HttpMethod.Get, "api/tasks", key);
        first.Dispose();
        var minted = new JsonWebToken(fixture.ForwardedToken(probe));

        using (var delete = new HttpRequestMessage(HttpMethod.Delete, "account/keys/" + id))
        {
            delete.Headers.Authorization = new("Bearer", await fixture.CreatorTokenAsync());
            using var deleted = await fixture.Http.SendAsync(delete, ct);
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        var (after, afterProbe) = await fixture.SendBearerAsync(HttpMethod.Get, "api/tasks", key);
        using (after)
        {
            await SecurityAssert.JsonErrorAsync(after, HttpStatusCode.Unauthorized, "invalid_token", key);
        }

        Assert.Null(fixture.BackendRequest(afterProbe));
        Assert.Contains(minted.Id, await fixture.RevokedJtisAsync());

        // The minted token itself, presented directly, is dead too.
        var (direct, _) = await fixture.SendBearerAsync(HttpMethod.Get, "api/tasks", minted.EncodedToken);
        using (direct)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, direct.StatusCode);
        }
    }

    [Fact]
    public async Task RepeatedRequests_ShareOneMintedToken()
    {
        var (_, key) = await fixture.CreateKeyAsync("tasks:read");

        var tokens = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var (response, probe) = await fixture.SendBearerAsync(HttpMethod.Get, "api/tasks", key);
            response.Dispose();
            tokens.Add(fixture.ForwardedToken(probe));
        }

        Assert.Single(tokens.Distinct());
    }

    [Fact]
    public async Task LockedOutOwner_KeysStopWorking()
    {
        var ct = TestContext.Current.CancellationToken;
        var data = fixture.Host.DataDirectory;
        var output = new StringWriter();
        Assert.Equal(0, await Facade.Proxy.Admin.AdminCommands.RunAsync(["users", "add", "lockme", "--password-stdin", "--environment=Development", $"--Facade:DataDirectory={data}"],
            new StringReader("correct horse battery staple\n"), output));
        var (_, key) = await fixture.CreateOperatorKeyAsync("lockme", "tasks:read");
        var (ok, _) = await fixture.SendBearerAsync(HttpMethod.Get, "api/tasks", key);
        using (ok)
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        Assert.Equal(0, await Facade.Proxy.Admin.AdminCommands.RunAsync(["users", "lock", "lockme", "--environment=Development", $"--Facade:DataDirectory={data}"], new StringReader(""), output));

        // Locked by another process: the edge sees it within Facade:Ledger:RevocationCheckInterval (1 s).
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode status;
        do
        {
            var (response, _) = await fixture.SendBearerAsync(HttpMethod.Get, "api/tasks", key);
            status = response.StatusCode;
            response.Dispose();
            if (status == HttpStatusCode.Unauthorized)
            {
                break;
            }

            await Task.Delay(50, ct);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    private async Task AssertMintedAsync(string probe, string key, string keyId, string scope, string? agentId)
    {
        var received = fixture.BackendRequest(probe);
        Assert.NotNull(received);
        SecurityAssert.NoLeak(string.Join('\n', received.Headers.SelectMany(h => h.Value)) + received.Query + received.Body, key);
        Assert.False(received.HasHeader("X-Agent-API-Key"), "The agent key header reached the backend.");

        var jwt = new JsonWebToken(fixture.ForwardedToken(probe));
        Assert.Equal("at+jwt", jwt.Typ);
        Assert.Equal("RS256", jwt.Alg);
        Assert.Equal(fixture.Host.Issuer, jwt.Issuer);
        Assert.Equal([fixture.Host.Issuer], jwt.Audiences);
        Assert.Equal((await fixture.FindUserAsync("demo")).Id, jwt.Subject);
        Assert.Equal("demo", jwt.GetPayloadValue<string>("preferred_username"));
        Assert.Equal(scope, jwt.GetPayloadValue<string>("scope"));
        Assert.Equal(keyId, jwt.GetPayloadValue<string>("client_id"));
        Assert.Equal(agentId, jwt.TryGetPayloadValue<string>("agent_id", out var agent) ? agent : null);
        Assert.InRange(jwt.ValidTo - jwt.IssuedAt, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));

        // Valid for the edge itself (signature, issuer, audience, ledger), as for every resource server.
        var (direct, _) = await fixture.SendBearerAsync(HttpMethod.Get, "api/tasks", jwt.EncodedToken);
        direct.Dispose();
        Assert.NotEqual(HttpStatusCode.Unauthorized, direct.StatusCode);

        var ledger = fixture.Host.Services.GetRequiredService<TokenLedger>();
        Assert.Equal(ApiToken.ApiKeyLabel, await ledger.LabelOfAsync(jwt.Id, TestContext.Current.CancellationToken));
    }
}
