using System.Net;
using System.Text;
using Facade.Proxy.Ledger;
using Facade.Testing;

namespace Facade.McpAdapter.Tests.Security;

/// <summary>
/// The adapter reached directly, around the edge: it must still refuse what the edge would refuse — revoked tokens
/// (learned from the edge's revocation feed), agent servers without <c>agents:invoke</c>, oversized bodies.
/// </summary>
public sealed class DirectAccessTests(AdapterStackFixture fixture) : IClassFixture<AdapterStackFixture>
{
    private static readonly TimeSpan RevocationDeadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task TokenRevokedAtTheEdge_IsRefusedByTheAdapter_WithinSeconds()
    {
        var (client, token) = await fixture.OAuthTokenAsync("tasks:read");
        using (var before = await McpHttp.PostAsync(fixture.Adapter, "mcp", token, McpHttp.ToolsList))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await fixture.RevokeAtTheEdgeAsync(client, token);

        using var after = await AdapterStackFixture.PollUntilAsync(
            () => McpHttp.PostAsync(fixture.Adapter, "mcp", token, McpHttp.ToolsList), HttpStatusCode.Unauthorized, RevocationDeadline);
        await JsonError.AssertAsync(after, HttpStatusCode.Unauthorized, "invalid_token", token);
        Assert.Contains("error=\"invalid_token\"", after.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenRevokedInTheLedger_IsRefusedByTheAdapter_WithinSeconds()
    {
        var token = fixture.Token("tasks:read");
        await fixture.Ledger.RecordAsync(new ApiToken
        {
            Jti = token.Jti!,
            Subject = token.Subject,
            ClientId = token.ClientId,
            Label = ApiToken.OAuthLabel,
            Scopes = token.Scope!,
            CreatedAt = token.IssuedAt!.Value,
            ExpiresAt = token.Expires!.Value,
        }, TestContext.Current.CancellationToken);
        var signed = fixture.Sign(token);
        using (var before = await McpHttp.PostAsync(fixture.Adapter, "mcp", signed, McpHttp.ToolsList))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await fixture.Ledger.RevokeByJtiAsync(token.Jti!, TestContext.Current.CancellationToken);

        using var after = await AdapterStackFixture.PollUntilAsync(
            () => McpHttp.PostAsync(fixture.Adapter, "mcp", signed, McpHttp.ToolsList), HttpStatusCode.Unauthorized, RevocationDeadline);
        await JsonError.AssertAsync(after, HttpStatusCode.Unauthorized, "invalid_token", signed);
    }

    [Fact]
    public async Task TokenWithoutJti_IsRefused_ItCouldNeverBeRevoked()
    {
        var token = fixture.Sign(fixture.Token("tasks:read") with { Jti = null });

        using var response = await McpHttp.PostAsync(fixture.Adapter, "mcp", token, McpHttp.ToolsList);

        await JsonError.AssertAsync(response, HttpStatusCode.Unauthorized, "invalid_token", token);
    }

    [Theory]
    [InlineData("agents/planner/mcp")]
    [InlineData("agents/nobody/mcp")]
    public async Task AgentServer_WithoutAgentsInvoke_Is403InsufficientScope(string path)
    {
        var token = fixture.Mint("tasks:read organizations:read", subject: "demo");

        using var response = await McpHttp.PostAsync(fixture.Adapter, path, token, McpHttp.Initialize);

        var json = await JsonError.AssertAsync(response, HttpStatusCode.Forbidden, "insufficient_scope", token);
        Assert.Equal("agents:invoke", json.GetProperty("scope").GetString());
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.Contains("error=\"insufficient_scope\"", challenge, StringComparison.Ordinal);
        Assert.Contains("scope=\"agents:invoke\"", challenge, StringComparison.Ordinal);
        Assert.Contains("resource_metadata=\"", challenge, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentServer_WithAgentsInvoke_Answers()
    {
        var token = fixture.Mint("tasks:read agents:invoke", subject: "demo");

        using var response = await McpHttp.PostAsync(fixture.Adapter, "agents/planner/mcp", token, McpHttp.ToolsList);

        var result = await McpHttp.ReadResultAsync(response);
        Assert.Contains(result.GetProperty("tools").EnumerateArray(), t => t.GetProperty("name").GetString() == "list_open_tasks");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BodyOverTheLimit_Is413Json_BeforeTheSdkReadsIt(bool chunked)
    {
        var token = fixture.Mint("tasks:read tasks:write");
        var title = new string('x', AdapterStackFixture.MaxRequestBytes * 4);
        var body = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"create_task","arguments":{"title":""" + "\"" + title + "\"" + ""","organizationId":"org-1"}}}""");
        HttpContent content = chunked
            ? ChunkedContent.Create(body, "application/json")
            : new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } };

        using var response = await McpHttp.PostAsync(fixture.Adapter, "mcp", token, content);

        await JsonError.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge, "invalid_request", token);
        Assert.DoesNotContain(fixture.Stack.Legacy.Requests, r => r.Body?.Contains(title[..100], StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task BodyUnderTheLimit_IsServed()
    {
        var token = fixture.Mint("tasks:read");
        var padding = new string(' ', AdapterStackFixture.MaxRequestBytes - McpHttp.ToolsList.Length - 10);

        using var response = await McpHttp.PostAsync(fixture.Adapter, "mcp", token, McpHttp.ToolsList + padding);

        await McpHttp.ReadResultAsync(response);
    }
}
