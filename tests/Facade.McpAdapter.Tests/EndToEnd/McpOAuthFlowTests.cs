using System.Text.Json;
using Facade.Testing;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Facade.McpAdapter.Tests.EndToEnd;

/// <summary>
/// The MCP SDK client against the real edge and adapter: discovery from the 401, registration, login and consent,
/// PKCE, token, then tools that are real calls to the legacy backend with the user's own token.
/// </summary>
public sealed class McpOAuthFlowTests : IAsyncLifetime
{
    private FacadeStack _stack = null!;

    public ValueTask InitializeAsync()
    {
        _stack = FacadeStack.Start();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _stack.DisposeAsync();

    [Fact]
    public async Task SdkClient_AuthorizesThroughTheEdge_ListsAndCallsTools()
    {
        var ct = TestContext.Current.CancellationToken;
        var clients = new McpClients(_stack);
        await using var client = await clients.ConnectAsync(cancellationToken: ct);

        var tools = await client.ListToolsAsync(cancellationToken: ct);
        Assert.Superset(new HashSet<string> { "list_organizations", "list_tasks", "get_task", "create_task", "update_task" },
            tools.Select(t => t.Name).ToHashSet());
        Assert.Equal(1, clients.AuthorizationCount);
        Assert.Contains("/account/consent", clients.Browser.VisitedPages);

        var created = await client.CallToolAsync("create_task",
            new Dictionary<string, object?> { ["title"] = "Written through MCP", ["organizationId"] = "org-1" }, cancellationToken: ct);
        Assert.True(created.IsError is not true, Text(created));
        var id = JsonDocument.Parse(Text(created)).RootElement.GetProperty("id").GetString();

        var listed = await client.CallToolAsync("list_tasks", new Dictionary<string, object?> { ["organization"] = "org-1" }, cancellationToken: ct);
        Assert.Contains(id!, Text(listed));

        // The backend saw the caller's own token, forwarded by the edge and then by the adapter.
        var backendCall = Assert.Single(_stack.Legacy.Requests, r => r.Method == "POST" && r.Path == "/api/tasks");
        Assert.StartsWith("Bearer ey", backendCall.Header("Authorization"), StringComparison.Ordinal);

        // The SDK indicated the /mcp resource (RFC 8707): the token names it after the canonical resource, and both
        // the edge and the adapter accepted it.
        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(backendCall.Header("Authorization")!["Bearer ".Length..]);
        Assert.Equal([_stack.Edge.Issuer, _stack.McpUrl.AbsoluteUri], token.Audiences);
    }

    [Fact]
    public async Task StepUp_ReadOnlyToken_GetsInsufficientScope_ThenReauthorizesAndWrites()
    {
        var ct = TestContext.Current.CancellationToken;
        var clients = new McpClients(_stack);
        await using var client = await clients.ConnectAsync(firstScopes: ["tasks:read"], cancellationToken: ct);

        // The read-only token still sees create_task, and the scope it would need: it can step up to it.
        var tools = await client.ListToolsAsync(cancellationToken: ct);
        Assert.Contains(tools, t => t.Name == "list_tasks");
        var createTask = Assert.Single(tools, t => t.Name == "create_task");
        Assert.Equal("[\"tasks:write\"]", createTask.ProtocolTool.Meta?["facade/scopes"]?.ToJsonString());
        Assert.Equal(1, clients.AuthorizationCount);

        var created = await client.CallToolAsync("create_task",
            new Dictionary<string, object?> { ["title"] = "After step-up", ["organizationId"] = "org-2" }, cancellationToken: ct);

        Assert.True(created.IsError is not true, Text(created));
        Assert.Equal(2, clients.AuthorizationCount);
        Assert.Contains(_stack.Legacy.Requests, r => r.Method == "POST" && r.Body?.Contains("After step-up", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Calls_WithBadArgumentsOrUnknownTools_GiveClearErrors()
    {
        var ct = TestContext.Current.CancellationToken;
        var clients = new McpClients(_stack);
        await using var client = await clients.ConnectAsync(cancellationToken: ct);

        var invalid = await client.CallToolAsync("list_tasks", new Dictionary<string, object?> { ["status"] = "someday" }, cancellationToken: ct);
        Assert.True(invalid.IsError);
        Assert.Contains("status", Text(invalid));

        var missing = await client.CallToolAsync("create_task", new Dictionary<string, object?> { ["organizationId"] = "org-1" }, cancellationToken: ct);
        Assert.True(missing.IsError);
        Assert.Contains("title", Text(missing));

        var notFound = await client.CallToolAsync("get_task", new Dictionary<string, object?> { ["id"] = "task-does-not-exist" }, cancellationToken: ct);
        Assert.True(notFound.IsError);

        await Assert.ThrowsAsync<McpProtocolException>(async () =>
            await client.CallToolAsync("no_such_tool", new Dictionary<string, object?>(), cancellationToken: ct));
    }

    [Fact]
    public async Task ResourcesAndPrompts_AreServedFromTheCatalog()
    {
        var ct = TestContext.Current.CancellationToken;
        var clients = new McpClients(_stack);
        await using var client = await clients.ConnectAsync(cancellationToken: ct);

        var templates = await client.ListResourceTemplatesAsync(cancellationToken: ct);
        Assert.NotEmpty(templates);
        var taskTemplate = templates.First(t => t.UriTemplate.Contains("task", StringComparison.OrdinalIgnoreCase));
        var uri = taskTemplate.UriTemplate.Replace("{id}", "task-1", StringComparison.Ordinal);
        var read = await client.ReadResourceAsync(uri, cancellationToken: ct);
        Assert.Contains("task-1", Assert.IsType<TextResourceContents>(Assert.Single(read.Contents)).Text);

        var prompts = await client.ListPromptsAsync(cancellationToken: ct);
        var plan = prompts.First();
        var rendered = await client.GetPromptAsync(plan.Name, new Dictionary<string, object?>(), cancellationToken: ct);
        Assert.NotEmpty(rendered.Messages);
    }

    internal static string Text(CallToolResult result) =>
        string.Join("\n", result.Content.OfType<TextContentBlock>().Select(c => c.Text));
}
