using System.Text.Json;
using Facade.Testing;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Facade.Mcp.Bridge.Tests;

/// <summary>
/// FACADE_TOKEN mode: the built bridge as a child process behind the SDK's stdio client, forwarding to the real edge,
/// MCP adapter and legacy backend with a token obtained beforehand. OAuth never runs.
/// </summary>
public sealed class TokenModeTests : BridgeStackTest
{
    private const string Scopes = "tasks:read tasks:write organizations:read";

    [Fact]
    public async Task FacadeToken_ToolsResourcesAndPrompts_AreForwardedToTheEdge()
    {
        var ct = TestContext.Current.CancellationToken;
        var token = await TokenAsync(Scopes, ct);
        var stderr = new StderrLog();
        await using var client = await Bridge.ConnectAsync(Arguments(), stderr, new Dictionary<string, string?> { ["FACADE_TOKEN"] = token }, ct);

        Assert.Equal("facade-mcp", client.ServerInfo?.Name);
        var tools = (await client.ListToolsAsync(cancellationToken: ct)).Select(t => t.Name).ToList();
        Assert.Superset(new HashSet<string> { "list_organizations", "list_tasks", "get_task", "create_task", "update_task" }, tools.ToHashSet());

        var title = $"Through the stdio bridge {Guid.NewGuid():N}";
        var created = await client.CallToolAsync("create_task",
            new Dictionary<string, object?> { ["title"] = title, ["organizationId"] = "org-1" }, cancellationToken: ct);
        Assert.True(created.IsError is not true, Text(created));
        var id = JsonDocument.Parse(Text(created)).RootElement.GetProperty("id").GetString();

        var listed = await client.CallToolAsync("list_tasks", new Dictionary<string, object?> { ["organization"] = "org-1" }, cancellationToken: ct);
        Assert.Contains(id!, Text(listed), StringComparison.Ordinal);

        // The backend got the task, with the very token the bridge was given (edge and adapter forward it).
        var post = Assert.Single(Stack.Legacy.Requests, r => r.Method == "POST" && r.Path == "/api/tasks");
        Assert.Contains(title, post.Body, StringComparison.Ordinal);
        Assert.Equal($"Bearer {token}", post.Header("Authorization"));

        var templates = await client.ListResourceTemplatesAsync(cancellationToken: ct);
        var taskTemplate = templates.First(t => t.UriTemplate.Contains("task", StringComparison.OrdinalIgnoreCase));
        var read = await client.ReadResourceAsync(taskTemplate.UriTemplate.Replace("{id}", "task-1", StringComparison.Ordinal), cancellationToken: ct);
        Assert.Contains("task-1", Assert.IsType<TextResourceContents>(Assert.Single(read.Contents)).Text, StringComparison.Ordinal);

        var prompt = (await client.ListPromptsAsync(cancellationToken: ct)).First();
        var rendered = await client.GetPromptAsync(prompt.Name, new Dictionary<string, object?>(), cancellationToken: ct);
        Assert.NotEmpty(rendered.Messages);

        // A tool error is a tool result; a protocol error keeps the remote server's code.
        var invalid = await client.CallToolAsync("list_tasks", new Dictionary<string, object?> { ["status"] = "someday" }, cancellationToken: ct);
        Assert.True(invalid.IsError);
        Assert.Contains("status", Text(invalid), StringComparison.Ordinal);
        var unknown = await Assert.ThrowsAsync<McpProtocolException>(async () =>
            await client.CallToolAsync("no_such_tool", new Dictionary<string, object?>(), cancellationToken: ct));
        Assert.Equal(McpErrorCode.InvalidParams, unknown.ErrorCode);

        Assert.DoesNotContain(stderr.Lines, line => line.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AgentUrl_ServesThatAgentsCatalog()
    {
        var ct = TestContext.Current.CancellationToken;
        var token = await TokenAsync("tasks:read organizations:read agents:invoke", ct);
        var agentUrl = new Uri(Stack.Edge.BaseUrl, "agents/planner/mcp").AbsoluteUri;
        await using var client = await Bridge.ConnectAsync(["--url", agentUrl, "--token-cache", Path.Combine(Work, "tokens.json")], new StderrLog(),
            new Dictionary<string, string?> { ["FACADE_TOKEN"] = token }, ct);

        var tools = (await client.ListToolsAsync(cancellationToken: ct)).Select(t => t.Name).ToList();
        Assert.Contains("list_open_tasks", tools);
        Assert.DoesNotContain("create_task", tools);
        var open = await client.CallToolAsync("list_open_tasks", new Dictionary<string, object?> { ["limit"] = 5 }, cancellationToken: ct);
        Assert.True(open.IsError is not true, Text(open));
        Assert.Contains(Stack.Legacy.Requests, r => r.Method == "GET" && r.Path == "/api/tasks");
    }

    [Fact]
    public async Task Stdout_CarriesOnlyJsonRpc_AndClosingStdinEndsTheBridge()
    {
        var ct = TestContext.Current.CancellationToken;
        var token = await TokenAsync(Scopes, ct);
        await using var bridge = Bridge.Start([.. Arguments(), "--verbose"], new Dictionary<string, string?> { ["FACADE_TOKEN"] = token });

        await bridge.Stdin.WriteLineAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""".AsMemory(), ct);
        await bridge.Stdin.FlushAsync(ct);
        var initialize = await ReadResponseAsync(bridge, 1, ct);
        Assert.Equal("facade-mcp", initialize.GetProperty("result").GetProperty("serverInfo").GetProperty("name").GetString());
        Assert.True(initialize.GetProperty("result").GetProperty("capabilities").TryGetProperty("tools", out _));

        await bridge.Stdin.WriteLineAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""".AsMemory(), ct);
        await bridge.Stdin.WriteLineAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""".AsMemory(), ct);
        await bridge.Stdin.FlushAsync(ct);
        var tools = await ReadResponseAsync(bridge, 2, ct);
        Assert.Contains(tools.GetProperty("result").GetProperty("tools").EnumerateArray(), t => t.GetProperty("name").GetString() == "list_tasks");

        var (exitCode, rest) = await bridge.WaitForExitAsync(ct);
        Assert.Equal(0, exitCode);
        Assert.All(rest.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Equal("2.0", JsonDocument.Parse(line).RootElement.GetProperty("jsonrpc").GetString()));
        Assert.Contains(bridge.Stderr.Lines, line => line.Contains("connected to facade", StringComparison.Ordinal));
        Assert.DoesNotContain(bridge.Stderr.Lines, line => line.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task BadToken_ExitsNonZero_WithAClearMessage_AndNeverEchoesTheToken()
    {
        var ct = TestContext.Current.CancellationToken;
        const string bad = "not-a-real-token-4f1c2a";
        await using var bridge = Bridge.Start(Arguments(), new Dictionary<string, string?> { ["FACADE_TOKEN"] = bad });

        var (exitCode, stdout) = await bridge.WaitForExitAsync(ct, closeStdin: false);

        Assert.Equal(77, exitCode);
        Assert.Empty(stdout);
        var error = Assert.Single(bridge.Stderr.Lines, line => line.Contains("error:", StringComparison.Ordinal));
        Assert.Contains("refused FACADE_TOKEN", error, StringComparison.Ordinal);
        Assert.Contains("401 invalid_token", error, StringComparison.Ordinal);
        Assert.DoesNotContain(bad, bridge.Stderr.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadToken_UnderAnMcpHost_FailsTheFirstRequest_AndTheBridgeExits()
    {
        var ct = TestContext.Current.CancellationToken;
        var stderr = new StderrLog();

        // The handshake is answered at once (the remote connection may take a browser sign-in); requests wait for it.
        await using var client = await Bridge.ConnectAsync(Arguments(), stderr, new Dictionary<string, string?> { ["FACADE_TOKEN"] = "expired-or-garbage" }, ct);
        var failure = await Assert.ThrowsAnyAsync<Exception>(async () => await client.ListToolsAsync(cancellationToken: ct));
        if (failure is McpProtocolException)
        {
            // The request got there before the bridge stopped: its error says why.
            Assert.Contains("refused FACADE_TOKEN", failure.Message, StringComparison.Ordinal);
        }

        var completion = Assert.IsType<StdioClientCompletionDetails>(await client.Completion.WaitAsync(TimeSpan.FromSeconds(60), ct));
        Assert.Equal(77, completion.ExitCode);
        Assert.Contains("401 invalid_token", await stderr.WaitForAsync(line => line.Contains("refused FACADE_TOKEN", StringComparison.Ordinal), ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenWithoutAScope_GetsAClearErrorForThatCall_AndTheSessionGoesOn()
    {
        var ct = TestContext.Current.CancellationToken;
        var token = await TokenAsync("tasks:read", ct);
        var stderr = new StderrLog();
        await using var client = await Bridge.ConnectAsync(Arguments(), stderr, new Dictionary<string, string?> { ["FACADE_TOKEN"] = token }, ct);

        // The edge's 403 becomes the call's error (a tool result the model can read), naming the missing scope.
        var refused = await client.CallToolAsync("create_task", new Dictionary<string, object?> { ["title"] = "No scope", ["organizationId"] = "org-1" }, cancellationToken: ct);
        Assert.True(refused.IsError, Text(refused));
        Assert.Contains("insufficient_scope", Text(refused), StringComparison.Ordinal);
        Assert.Contains("tasks:write", Text(refused), StringComparison.Ordinal);

        var listed = await client.CallToolAsync("list_tasks", new Dictionary<string, object?>(), cancellationToken: ct);
        Assert.True(listed.IsError is not true, Text(listed));
        Assert.DoesNotContain(Stack.Legacy.Requests, r => r.Method == "POST");
    }

    [Fact]
    public async Task UnreachableEdge_ExitsWithUnavailable()
    {
        var ct = TestContext.Current.CancellationToken;
        var nobody = McpAdapterHost.ReservePort();
        await using var bridge = Bridge.Start(["--url", $"http://127.0.0.1:{nobody}/mcp", "--token-cache", Path.Combine(Work, "tokens.json")],
            new Dictionary<string, string?> { ["FACADE_TOKEN"] = "whatever" });

        var (exitCode, stdout) = await bridge.WaitForExitAsync(ct, closeStdin: false);

        Assert.Equal(69, exitCode);
        Assert.Empty(stdout);
        Assert.Contains(bridge.Stderr.Lines, line => line.Contains("cannot reach the edge", StringComparison.Ordinal));
    }

    private string[] Arguments() => ["--url", Stack.McpUrl.AbsoluteUri, "--token-cache", Path.Combine(Work, "tokens.json")];

    private async Task<string> TokenAsync(string scope, CancellationToken ct)
    {
        using var oauth = new OAuthTestClient(Stack.Edge.BaseUrl);
        var (_, token) = await oauth.GetTokenAsync(scope, cancellationToken: ct);
        return token.AccessToken ?? throw new InvalidOperationException($"No token: {token.Json}");
    }

    private static async Task<JsonElement> ReadResponseAsync(BridgeProcess bridge, int id, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromSeconds(60));
        while (await bridge.Stdout.ReadLineAsync(limit.Token) is { } line)
        {
            // Every line on stdout is JSON-RPC; notifications may come before the response.
            var message = JsonDocument.Parse(line).RootElement.Clone();
            Assert.Equal("2.0", message.GetProperty("jsonrpc").GetString());
            if (message.TryGetProperty("id", out var messageId) && messageId.ValueKind == JsonValueKind.Number && messageId.GetInt32() == id)
            {
                return message;
            }
        }

        throw new InvalidOperationException($"stdout closed before response {id}. stderr:\n{bridge.Stderr.Text}");
    }

    internal static string Text(CallToolResult result) =>
        string.Join("\n", result.Content.OfType<TextContentBlock>().Select(c => c.Text));
}
