using Facade.Testing;

namespace Facade.McpAdapter.Tests.EndToEnd;

/// <summary>
/// The official C# SDK client pinned to each MCP revision the adapter serves, through the edge with the full OAuth
/// flow, and what it really sent as the adapter received it: 2026-07-28 (stateless, <c>server/discover</c>, the
/// <c>Mcp-Method</c>/<c>Mcp-Name</c> headers, no <c>initialize</c>) and the 2025 revisions (the initialize handshake).
/// </summary>
public sealed class ProtocolRevisionTests : IAsyncLifetime
{
    private FacadeStack _stack = null!;

    public ValueTask InitializeAsync()
    {
        _stack = FacadeStack.Start(recordAdapterRequests: true);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _stack.DisposeAsync();

    private McpWireLog Wire => _stack.Adapter.Wire!;

    [Fact]
    public async Task SdkClient_2026_07_28_DiscoversWithoutInitialize_SendsMcpHeaders_AndStepsUp()
    {
        var ct = TestContext.Current.CancellationToken;
        var clients = new McpClients(_stack);
        await using var client = await clients.ConnectAsync(firstScopes: ["tasks:read"], protocolVersion: "2026-07-28", cancellationToken: ct);
        Assert.Equal("2026-07-28", client.NegotiatedProtocolVersion);

        // Every tool the user may be granted is listed, with the scopes it needs: create_task is there to step up to.
        var tools = await client.ListToolsAsync(cancellationToken: ct);
        Assert.Contains(tools, t => t.Name == "list_tasks");
        var createTask = Assert.Single(tools, t => t.Name == "create_task");
        Assert.Equal("tasks:write", createTask.ProtocolTool.Meta?["facade/scopes"]?[0]?.GetValue<string>());

        var created = await client.CallToolAsync("create_task",
            new Dictionary<string, object?> { ["title"] = "Stepped up on 2026-07-28", ["organizationId"] = "org-1" }, cancellationToken: ct);
        Assert.True(created.IsError is not true, McpOAuthFlowTests.Text(created));
        Assert.Equal(2, clients.AuthorizationCount);

        AssertModernWire(Wire, "create_task", [403, 200]);
    }

    [Theory]
    [InlineData("2025-06-18")]
    [InlineData("2025-11-25")]
    public async Task SdkClient_OlderRevision_InitializesAndCallsTools(string revision)
    {
        var ct = TestContext.Current.CancellationToken;
        var clients = new McpClients(_stack);
        await using var client = await clients.ConnectAsync(protocolVersion: revision, cancellationToken: ct);
        Assert.Equal(revision, client.NegotiatedProtocolVersion);

        var result = await client.CallToolAsync("get_task", new Dictionary<string, object?> { ["id"] = "task-1" }, cancellationToken: ct);
        Assert.Contains("task-1", McpOAuthFlowTests.Text(result));

        // A pinned 2025 client neither probes nor falls back: the handshake, then requests under the negotiated revision.
        Assert.Single(Wire.WithMethod("initialize"), r => r.Status == 200);
        Assert.Empty(Wire.WithMethod("server/discover"));
        Assert.Equal(revision, Assert.Single(Wire.WithMethod("tools/call")).ProtocolVersionHeader);
    }

    /// <summary>
    /// What a 2026-07-28 client must have sent: <c>server/discover</c> and never <c>initialize</c>, no session, every
    /// request with the revision and its <c>Mcp-Method</c> header, and its tool calls named in <c>Mcp-Name</c>, answered
    /// with <paramref name="callStatuses"/> (403 then 200 for a step-up).
    /// </summary>
    internal static void AssertModernWire(McpWireLog wire, string expectedToolCall, int[] callStatuses)
    {
        var requests = wire.Requests.Where(r => r.JsonRpcMethods.Count > 0 && !r.JsonRpcMethods.Any(m => m.StartsWith("notifications/", StringComparison.Ordinal))).ToList();
        Assert.NotEmpty(requests);
        Assert.Empty(wire.WithMethod("initialize"));
        Assert.Empty(wire.WithMethod("notifications/initialized"));
        Assert.Contains(wire.WithMethod("server/discover"), r => r.Status == 200 && r.McpMethodHeader == "server/discover");
        Assert.All(requests, r => Assert.Null(r.SessionIdHeader));
        Assert.All(requests.Where(r => r.Status != 401), r =>
        {
            Assert.Equal("2026-07-28", r.ProtocolVersionHeader);
            Assert.Equal(Assert.Single(r.JsonRpcMethods), r.McpMethodHeader);
        });

        var calls = wire.WithMethod("tools/call");
        Assert.All(calls, c => Assert.Equal(expectedToolCall, c.McpNameHeader));
        Assert.Equal(callStatuses, calls.Select(c => c.Status));
    }
}
