using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Facade.Proxy.Admin;
using Facade.Proxy.Tests.ApiKeys;

namespace Facade.Proxy.Tests.Admin;

/// <summary>
/// <c>keys create|list|revoke</c>, <c>clients list|revoke</c> and <c>users set-scopes</c> against the database of a
/// running edge: what they do is seen by that edge (revocations within the ledger's recheck interval).
/// </summary>
public sealed class KeyAdminCommandsTests(ApiKeyFixture fixture) : IClassFixture<ApiKeyFixture>
{
    [Fact]
    public async Task KeysCreate_PrintsTheKeyAloneOnItsLastLine_AndTheRunningEdgeAcceptsIt()
    {
        var (exit, output) = await RunAsync("keys", "create", "--user", "demo", "--scopes", "tasks:read", "--label", "cli", "--expires", "30d");

        Assert.True(exit == 0, output);
        var key = LastLine(output);
        Assert.Matches("^fk_u_[A-Za-z0-9_-]{43}$", key);
        Assert.Contains("scopes: tasks:read", output, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, "api/tasks", "Bearer " + key, null));
    }

    [Fact]
    public async Task KeysCreate_AgentKeyWithAgentsServe_OnlyWithAgent()
    {
        var (withAgent, agentOutput) = await RunAsync("keys", "create", "--user", "demo", "--agent", "research", "--scopes", "agents:serve");
        var (withoutAgent, userOutput) = await RunAsync("keys", "create", "--user", "demo", "--scopes", "agents:serve");

        Assert.True(withAgent == 0, agentOutput);
        Assert.Matches("^fk_a_[A-Za-z0-9_-]{43}$", LastLine(agentOutput));
        Assert.Equal(1, withoutAgent);
        Assert.Contains("--agent", userOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("fk_", userOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, "No user 'nobody'", "keys", "create", "--user", "nobody", "--scopes", "tasks:read")]
    [InlineData(1, "invalid_scope", "keys", "create", "--user", "demo", "--scopes", "tasks:read bogus:scope")]
    [InlineData(1, "realtime:feed", "keys", "create", "--user", "demo", "--scopes", "realtime:feed")]
    [InlineData(1, "realtime:feed", "keys", "create", "--user", "demo", "--agent", "research", "--scopes", "realtime:feed agents:serve")]
    [InlineData(2, "--expires", "keys", "create", "--user", "demo", "--scopes", "tasks:read", "--expires", "soon")]
    [InlineData(2, "No key 'key_nothing'", "keys", "revoke", "key_nothing")]
    [InlineData(2, "No client 'nobody'", "clients", "revoke", "nobody")]
    [InlineData(2, "Unknown scope 'bogus'", "users", "set-scopes", "demo", "bogus")]
    public async Task BadInput_FailsWithAReasonAndExitCode(int expected, string message, params string[] args)
    {
        var (exit, output) = await RunAsync(args);

        Assert.Equal(expected, exit);
        Assert.Contains(message, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysRevoke_IsSeenByTheRunningEdge_WithinTheRecheckInterval()
    {
        var (id, key) = await fixture.CreateKeyAsync("tasks:read");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, "api/tasks", "Bearer " + key, null));

        var (exit, output) = await RunAsync("keys", "revoke", id);

        Assert.True(exit == 0, output);
        Assert.Contains($"Key '{id}' revoked; 1 token(s) minted from it revoked.", output, StringComparison.Ordinal);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode status;
        do
        {
            status = await StatusAsync(HttpMethod.Get, "api/tasks", "Bearer " + key, null);
            if (status == HttpStatusCode.Unauthorized)
            {
                break;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task KeysList_AsJson_ShowsKeysWithoutSecrets()
    {
        var (id, key) = await fixture.CreateKeyAsync("tasks:read", agentId: "research");

        var (exit, output) = await RunAsync("keys", "list", "--user", "demo", "--json");

        Assert.True(exit == 0, output);
        Assert.DoesNotContain(key, output, StringComparison.Ordinal);
        var listed = JsonDocument.Parse(output).RootElement.EnumerateArray().Single(k => k.GetProperty("id").GetString() == id);
        Assert.Equal("research", listed.GetProperty("agentId").GetString());
        Assert.Equal("live", listed.GetProperty("state").GetString());
        Assert.Equal("demo", listed.GetProperty("user").GetString());
    }

    [Fact]
    public async Task ClientsRevoke_RevokesTheClientsTokens_AndSaysSo()
    {
        var ct = TestContext.Current.CancellationToken;
        using var oauth = fixture.CreateOAuthClient();
        var (client, token) = await oauth.GetTokenAsync("tasks:read", cancellationToken: ct);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, "api/tasks", "Bearer " + token.AccessToken, null));

        var (listed, list) = await RunAsync("clients", "list", "--json");
        Assert.True(listed == 0, list);
        Assert.Contains(JsonDocument.Parse(list).RootElement.EnumerateArray(), c => c.GetProperty("clientId").GetString() == client.ClientId);

        var (exit, output) = await RunAsync("clients", "revoke", client.ClientId);

        Assert.True(exit == 0, output);
        Assert.Contains($"Client '{client.ClientId}': 1 authorization(s)", output, StringComparison.Ordinal);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode status;
        do
        {
            status = await StatusAsync(HttpMethod.Get, "api/tasks", "Bearer " + token.AccessToken, null);
            if (status == HttpStatusCode.Unauthorized)
            {
                break;
            }

            await Task.Delay(50, ct);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    private static string LastLine(string output) => output.TrimEnd().Split(Environment.NewLine)[^1];

    private async Task<HttpStatusCode> StatusAsync(HttpMethod method, string path, string? authorization, string? agentKey)
    {
        using var request = new HttpRequestMessage(method, path);
        if (authorization is not null)
        {
            request.Headers.Authorization = AuthenticationHeaderValue.Parse(authorization);
        }

        if (agentKey is not null)
        {
            request.Headers.Add("X-Agent-API-Key", agentKey);
        }

        using var response = await fixture.Http.SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    private async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var exit = await AdminCommands.RunAsync([.. args, "--environment=Development", $"--Facade:DataDirectory={fixture.Host.DataDirectory}"], new StringReader(""), output);
        return (exit, output.ToString());
    }
}
