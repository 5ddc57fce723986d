using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Facade.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using System.Security.Cryptography;
using ModelContextProtocol.Client;

namespace Facade.McpAdapter.Tests.EndToEnd;

/// <summary>Transport rules of the MCP endpoints, the adapter as its own resource server, agents and legacy SSE.</summary>
public sealed class McpTransportTests : IAsyncLifetime
{
    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";
    private FacadeStack _stack = null!;
    private string _readToken = "";

    public async ValueTask InitializeAsync()
    {
        _stack = FacadeStack.Start();
        using var oauth = new OAuthTestClient(_stack.Edge.BaseUrl);
        var (_, token) = await oauth.GetTokenAsync("tasks:read organizations:read agents:invoke", cancellationToken: TestContext.Current.CancellationToken);
        _readToken = token.AccessToken!;
    }

    public ValueTask DisposeAsync() => _stack.DisposeAsync();

    [Theory]
    [InlineData("GET")]
    [InlineData("DELETE")]
    public async Task Mcp_OnlyAcceptsPost_Returns405(string method)
    {
        using var response = await SendAsync(_stack.Edge.BaseUrl, new HttpMethod(method), "mcp", null, _readToken);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task Mcp_UnsupportedProtocolVersion_Returns400()
    {
        using var response = await SendAsync(_stack.Edge.BaseUrl, HttpMethod.Post, "mcp", Initialize, _readToken, protocolVersion: "1999-01-01");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Mcp_ForeignOrigin_Returns403()
    {
        using var response = await SendAsync(_stack.Adapter.BaseUrl, HttpMethod.Post, "mcp", Initialize, _readToken, origin: "https://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("forbidden_origin", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Adapter_ReachedAroundTheEdge_StillValidatesTokens()
    {
        var ct = TestContext.Current.CancellationToken;
        using (var anonymous = await SendAsync(_stack.Adapter.BaseUrl, HttpMethod.Post, "mcp", Initialize, token: null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Contains("resource_metadata=", anonymous.Headers.WwwAuthenticate.ToString());
        }

        using var rsa = RSA.Create(2048);
        var forged = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _stack.Edge.Issuer,
            Audience = _stack.Edge.Issuer,
            TokenType = "at+jwt",
            Claims = new Dictionary<string, object> { ["sub"] = "attacker", ["scope"] = "tasks:read tasks:write" },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = "forged" }, SecurityAlgorithms.RsaSha256),
        });
        using var response = await SendAsync(_stack.Adapter.BaseUrl, HttpMethod.Post, "mcp", Initialize, forged);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_token", await response.Content.ReadAsStringAsync(ct));
    }

    [Fact]
    public async Task ToolCall_WithoutTheToolsScope_Returns403WithStepUpChallenge()
    {
        const string call = """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"create_task","arguments":{"title":"x","organizationId":"org-1"}}}""";
        using var response = await SendAsync(_stack.Edge.BaseUrl, HttpMethod.Post, "mcp", call, _readToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.Contains("error=\"insufficient_scope\"", challenge);
        Assert.Contains("scope=\"tasks:write\"", challenge);
        Assert.Contains("resource_metadata=\"" + _stack.Edge.Issuer + ".well-known/oauth-protected-resource/mcp\"", challenge);
        Assert.DoesNotContain(_stack.Legacy.Requests, r => r.Method == "POST");
    }

    [Fact]
    public async Task Agents_ServeTheirOwnView_UnknownIs404_OthersAre403()
    {
        var ct = TestContext.Current.CancellationToken;
        var clients = new McpClients(_stack);
        await using (var planner = await clients.ConnectAsync("agents/planner/mcp", cancellationToken: ct))
        {
            var tools = (await planner.ListToolsAsync(cancellationToken: ct)).Select(t => t.Name).ToList();
            Assert.True(tools.Contains("list_open_tasks"), string.Join(",", tools));
            Assert.Contains("list_tasks", tools);
            Assert.DoesNotContain("create_task", tools);
        }

        using (var unknown = await SendAsync(_stack.Edge.BaseUrl, HttpMethod.Post, "agents/nobody/mcp", Initialize, _readToken))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        await using (var scope = _stack.Edge.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Proxy.Data.FacadeUser>>();
            Assert.True((await users.CreateAsync(new Proxy.Data.FacadeUser { UserName = "mallory" }, "mallory-password")).Succeeded);
        }

        using var oauth = new OAuthTestClient(_stack.Edge.BaseUrl) { UserName = "mallory", Password = "mallory-password" };
        var (_, token) = await oauth.GetTokenAsync("tasks:read agents:invoke", cancellationToken: ct);
        using var denied = await SendAsync(_stack.Edge.BaseUrl, HttpMethod.Post, "agents/planner/mcp", Initialize, token.AccessToken);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Contains("access_denied", await denied.Content.ReadAsStringAsync(ct));
    }

    [Fact]
    public async Task LegacySseTransport_ListsAndCallsTools()
    {
        var ct = TestContext.Current.CancellationToken;
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(_stack.Edge.BaseUrl, "sse"),
            TransportMode = HttpTransportMode.Sse,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + _readToken },
        });
        await using var client = await McpClient.CreateAsync(transport, cancellationToken: ct);

        var tools = await client.ListToolsAsync(cancellationToken: ct);
        Assert.Contains(tools, t => t.Name == "list_tasks");
        var result = await client.CallToolAsync("get_task", new Dictionary<string, object?> { ["id"] = "task-1" }, cancellationToken: ct);
        Assert.Contains("task-1", McpOAuthFlowTests.Text(result));
    }

    [Fact]
    public async Task BackendDown_BecomesAToolError_NotAProtocolError()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var stack = FacadeStack.Start(adapterSettings: new Dictionary<string, string?>
        {
            ["Adapter:Backends:legacy"] = $"http://127.0.0.1:{McpAdapterHost.ReservePort()}",
        });
        var clients = new McpClients(stack);
        await using var client = await clients.ConnectAsync(cancellationToken: ct);

        var result = await client.CallToolAsync("list_tasks", new Dictionary<string, object?>(), cancellationToken: ct);

        Assert.True(result.IsError);
        Assert.Contains("unavailable", McpOAuthFlowTests.Text(result), StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<HttpResponseMessage> SendAsync(Uri baseUrl, HttpMethod method, string path, string? body, string? token,
        string protocolVersion = "2025-11-25", string? origin = null)
    {
        using var http = new HttpClient { BaseAddress = baseUrl };
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", protocolVersion);
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
