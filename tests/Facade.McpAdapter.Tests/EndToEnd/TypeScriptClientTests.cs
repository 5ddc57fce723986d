using Facade.Testing;

namespace Facade.McpAdapter.Tests.EndToEnd;

/// <summary>
/// A second client on another stack: the official MCP TypeScript SDK v2 (Node.js) through the edge, doing its own
/// OAuth (discovery from the 401, registration, PKCE, loopback redirect) on protocol revision 2026-07-28, checked on
/// the wire as the adapter received it.
/// </summary>
public sealed class TypeScriptClientTests : IAsyncLifetime
{
    private FacadeStack _stack = null!;

    public ValueTask InitializeAsync()
    {
        _stack = FacadeStack.Start(recordAdapterRequests: true);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _stack.DisposeAsync();

    [Fact]
    public async Task TypeScriptSdkClient_2026_07_28_AuthorizesThroughTheEdge_ListsAndCallsTools()
    {
        var ct = TestContext.Current.CancellationToken;
        var run = await TypeScriptClient.RunAsync(_stack.Edge.BaseUrl, _stack.McpUrl, "Written by the TypeScript SDK", cancellationToken: ct);

        Assert.Equal("2026-07-28", run.Single("connected").GetProperty("protocolVersion").GetString());
        Assert.Equal("facade", run.Single("connected").GetProperty("server").GetString());
        Assert.Contains("create_task", run.Single("tools").GetProperty("names").EnumerateArray().Select(n => n.GetString()));
        Assert.False(run.Single("called").GetProperty("isError").GetBoolean(), run.Single("called").GetRawText());
        Assert.Equal(1, run.Single("done").GetProperty("authorizations").GetInt32());
        Assert.Contains("/account/consent", run.VisitedPages);

        var backendCall = Assert.Single(_stack.Legacy.Requests, r => r.Method == "POST" && r.Body?.Contains("Written by the TypeScript SDK", StringComparison.Ordinal) == true);
        Assert.StartsWith("Bearer ey", backendCall.Header("Authorization"), StringComparison.Ordinal);
        ProtocolRevisionTests.AssertModernWire(_stack.Adapter.Wire!, "create_task", [200]);
    }

    [Fact]
    public async Task TypeScriptSdkClient_ReadOnlyToken_Gets403_ReauthorizesWithTasksWrite_AndTheCallSucceeds()
    {
        var ct = TestContext.Current.CancellationToken;
        var run = await TypeScriptClient.RunAsync(_stack.Edge.BaseUrl, _stack.McpUrl, "Stepped up by the TypeScript SDK", firstScope: "tasks:read", cancellationToken: ct);

        Assert.Equal("tasks:read offline_access", run.Single("connected").GetProperty("scope").GetString());
        // create_task is listed before the step-up, with the scope it needs in _meta.
        var listed = run.Single("tools");
        Assert.Contains("create_task", listed.GetProperty("names").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal("tasks:write", listed.GetProperty("scopes").GetProperty("create_task")[0].GetString());
        var called = run.Single("called");
        Assert.False(called.GetProperty("isError").GetBoolean(), called.GetRawText());
        Assert.Contains("tasks:write", called.GetProperty("scope").GetString()!.Split(' '));
        Assert.Equal(2, run.Single("done").GetProperty("authorizations").GetInt32());
        Assert.Equal(2, run.Count("authorize"));

        Assert.Contains(_stack.Legacy.Requests, r => r.Method == "POST" && r.Body?.Contains("Stepped up by the TypeScript SDK", StringComparison.Ordinal) == true);
        ProtocolRevisionTests.AssertModernWire(_stack.Adapter.Wire!, "create_task", [403, 200]);
    }

    [Fact]
    public async Task TypeScriptSdkClient_LegacyMode_UsesTheInitializeHandshakeOf2025_11_25()
    {
        var ct = TestContext.Current.CancellationToken;
        var run = await TypeScriptClient.RunAsync(_stack.Edge.BaseUrl, _stack.McpUrl, "Written by the TypeScript SDK on 2025-11-25", protocol: "legacy", cancellationToken: ct);

        Assert.Equal("2025-11-25", run.Single("connected").GetProperty("protocolVersion").GetString());
        Assert.False(run.Single("called").GetProperty("isError").GetBoolean(), run.Single("called").GetRawText());
        Assert.Single(_stack.Adapter.Wire!.WithMethod("initialize"), r => r.Status == 200);
        Assert.Empty(_stack.Adapter.Wire!.WithMethod("server/discover"));
    }
}
