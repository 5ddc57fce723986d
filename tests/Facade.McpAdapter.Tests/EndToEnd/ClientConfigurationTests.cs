using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Facade.Testing;
using ModelContextProtocol.Client;

namespace Facade.McpAdapter.Tests.EndToEnd;

/// <summary>
/// The MCP URLs clients are commonly configured with, each against the shipped yarp.json and with the SDK client's
/// full OAuth flow through the edge: the host root, <c>/api/mcp</c> (its own path-suffixed metadata) and a legacy
/// HTTP+SSE client given one URL (<c>/sse</c>). README "Client set-up" documents them.
/// </summary>
public sealed class ClientConfigurationTests : IAsyncLifetime
{
    private FacadeStack _stack = null!;

    public ValueTask InitializeAsync()
    {
        _stack = FacadeStack.Start(recordAdapterRequests: true);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _stack.DisposeAsync();

    [Fact]
    public async Task HostRoot_IsAnMcpEndpoint_WithTheRootMetadata_AndStepUpWorks()
    {
        var ct = TestContext.Current.CancellationToken;
        var resource = await DiscoverResourceAsync("", ct);
        Assert.Equal(_stack.Edge.Issuer, resource);

        var clients = new McpClients(_stack);
        await using (var client = await clients.ConnectAsync("", firstScopes: ["tasks:read"], cancellationToken: ct))
        {
            var created = await client.CallToolAsync("create_task",
                new Dictionary<string, object?> { ["title"] = "Created at the host root", ["organizationId"] = "org-1" }, cancellationToken: ct);
            Assert.True(created.IsError is not true, McpOAuthFlowTests.Text(created));
            Assert.Equal(2, clients.AuthorizationCount);
        }

        Assert.Contains(_stack.Adapter.Wire!.WithMethod("tools/call"), r => r.Path == "/mcp" && r.Status == 200);

        // Streamable HTTP only: GET (a standalone SSE stream) is 405, as on /mcp.
        using var get = await SendAsync(HttpMethod.Get, "", await TokenAsync(ct), ct);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
    }

    [Fact]
    public async Task ApiMcp_HasItsOwnPathSuffixedMetadata_AndStepUpWorks()
    {
        var ct = TestContext.Current.CancellationToken;
        var resource = await DiscoverResourceAsync("api/mcp", ct);
        Assert.Equal(_stack.Edge.Issuer + "api/mcp", resource);

        var clients = new McpClients(_stack);
        await using (var client = await clients.ConnectAsync("api/mcp", firstScopes: ["tasks:read"], cancellationToken: ct))
        {
            Assert.Contains("list_tasks", (await client.ListToolsAsync(cancellationToken: ct)).Select(t => t.Name));
            var created = await client.CallToolAsync("create_task",
                new Dictionary<string, object?> { ["title"] = "Created at /api/mcp", ["organizationId"] = "org-1" }, cancellationToken: ct);
            Assert.True(created.IsError is not true, McpOAuthFlowTests.Text(created));
            Assert.Equal(2, clients.AuthorizationCount);
        }

        // The REST API beside it is unchanged: its own metadata, its own backend.
        using var tasks = await SendAsync(HttpMethod.Get, "api/tasks", token: null, ct);
        Assert.Contains($"resource_metadata=\"{_stack.Edge.Issuer}.well-known/oauth-protected-resource/api\"", tasks.Headers.WwwAuthenticate.ToString());
        Assert.DoesNotContain(_stack.Legacy.Requests, r => r.Path.StartsWith("/api/mcp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SseClientGivenOneUrl_AuthorizesThroughTheEdge_ListsAndCallsTools()
    {
        var ct = TestContext.Current.CancellationToken;
        var clients = new McpClients(_stack);
        await using (var client = await clients.ConnectAsync("sse", transportMode: HttpTransportMode.Sse, cancellationToken: ct))
        {
            Assert.Contains("create_task", (await client.ListToolsAsync(cancellationToken: ct)).Select(t => t.Name));
            var result = await client.CallToolAsync("get_task", new Dictionary<string, object?> { ["id"] = "task-1" }, cancellationToken: ct);
            Assert.Contains("task-1", McpOAuthFlowTests.Text(result));
            Assert.Equal(1, clients.AuthorizationCount);
        }

        Assert.Contains(_stack.Adapter.Wire!.Requests, r => r.HttpMethod == "GET" && r.Path == "/sse");
        Assert.Contains(_stack.Adapter.Wire!.WithMethod("tools/call"), r => r.Path == "/message" && r.Status == 202);

        // Streamable clients on /mcp are not offered a stream: GET stays 405.
        using var get = await SendAsync(HttpMethod.Get, "mcp", await TokenAsync(ct), ct);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
    }

    /// <summary>An unauthenticated MCP request at <paramref name="path"/>: its 401 → metadata URL → <c>resource</c>.</summary>
    private async Task<string?> DiscoverResourceAsync(string path, CancellationToken cancellationToken)
    {
        using var unauthorized = await SendAsync(HttpMethod.Post, path, token: null, cancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        var expected = _stack.Edge.Issuer + ".well-known/oauth-protected-resource" + (path.Length == 0 ? "" : "/" + path);
        Assert.Contains($"resource_metadata=\"{expected}\"", unauthorized.Headers.WwwAuthenticate.ToString());

        using var http = _stack.Edge.CreateHttpClient();
        var document = await http.GetFromJsonAsync<JsonElement>(expected, cancellationToken);
        return document.GetProperty("resource").GetString();
    }

    private async Task<string> TokenAsync(CancellationToken cancellationToken)
    {
        using var oauth = new OAuthTestClient(_stack.Edge.BaseUrl);
        var (_, token) = await oauth.GetTokenAsync("tasks:read", cancellationToken: cancellationToken);
        return token.AccessToken!;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, CancellationToken cancellationToken)
    {
        using var http = _stack.Edge.CreateHttpClient();
        using var request = new HttpRequestMessage(method, path);
        if (method == HttpMethod.Post)
        {
            request.Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}""", Encoding.UTF8, "application/json");
        }

        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        return await http.SendAsync(request, cancellationToken);
    }
}
