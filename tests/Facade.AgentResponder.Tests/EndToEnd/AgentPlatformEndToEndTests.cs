using System.Net;
using System.Text.Json;
using Facade.AgentResponder.Tests.Channel;
using Facade.Proxy.Admin;
using Facade.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Facade.AgentResponder.Tests.EndToEnd;

/// <summary>
/// The agent platform end to end: edge, adapter, device edge and the real responder. The responder's agent key is made
/// by the admin CLI and exchanged at the edge by the device edge; callers reach <c>/agents/research/mcp</c> through the
/// edge with an agent key, a user key or an OAuth token, with the official MCP C# SDK client; each call travels edge →
/// adapter → device edge → the responder's inbox → its reply → back as the tool result.
/// </summary>
public sealed class AgentPlatformEndToEndTests : IAsyncLifetime
{
    private FacadeStack _stack = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        // The README's recipe for the seed's /{agentId}/mcp form, as an operator would add it to yarp.json.
        _stack = FacadeStack.Start(withDevices: true, edgeSettings: new Dictionary<string, string?>
        {
            ["ReverseProxy:Routes:agents-mcp-short:ClusterId"] = "mcp-adapter",
            ["ReverseProxy:Routes:agents-mcp-short:Match:Path"] = "/{agentId}/mcp",
            ["ReverseProxy:Routes:agents-mcp-short:Metadata:Facade.Scopes"] = "agents:invoke",
            ["ReverseProxy:Routes:agents-mcp-short:RateLimiterPolicy"] = "per-caller",
            ["ReverseProxy:Routes:agents-mcp-short:Transforms:0:PathPattern"] = "/agents/{agentId}/mcp",
        });
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _stack.DisposeAsync();

    [Fact]
    public async Task AgentKey_UserKey_AndOAuthToken_EachCallTheResearchAgent_AnsweredByTheResponderOverMqtt()
    {
        await using var responder = await StartMqttResponderAsync();
        var agentKey = await CreateKeyAsync("--agent", "research", "--scopes", "agents:invoke");
        var userKey = await CreateKeyAsync("--scopes", "agents:invoke");
        using var oauth = new OAuthTestClient(_stack.Edge.BaseUrl);
        var (_, token) = await oauth.GetTokenAsync("agents:invoke", resource: new Uri(_stack.Edge.BaseUrl, "agents/research/mcp").AbsoluteUri, cancellationToken: Ct);

        foreach (var headers in new[]
        {
            new Dictionary<string, string> { ["X-Agent-API-Key"] = agentKey },
            new Dictionary<string, string> { ["Authorization"] = "Bearer " + userKey },
            new Dictionary<string, string> { ["Authorization"] = "Bearer " + token.AccessToken },
        })
        {
            await using var client = await ConnectAsync(headers);
            var tools = (await client.ListToolsAsync(cancellationToken: Ct)).Select(t => t.Name).ToHashSet();
            Assert.Superset(new HashSet<string> { "web_search", "summarize" }, tools);

            var search = await client.CallToolAsync("web_search", new Dictionary<string, object?> { ["query"] = "mqtt brokers", ["limit"] = 2 }, cancellationToken: Ct);
            Assert.NotEqual(true, search.IsError);
            var results = Structured(search).GetProperty("results");
            Assert.Equal(2, results.GetArrayLength());
            Assert.Contains("mqtt brokers", results[0].GetProperty("title").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TheSeedsShortPath_FromTheReadmeRouteRecipe_ServesTheAgent_AndKeepsAgentKeysToTheirAgent()
    {
        await using var responder = await StartMqttResponderAsync();
        var agentKey = await CreateKeyAsync("--agent", "research", "--scopes", "agents:invoke");
        var otherAgentsKey = await CreateKeyAsync("--agent", "planner", "--scopes", "agents:invoke");

        await using var client = await ConnectAsync(new() { ["X-Agent-API-Key"] = agentKey }, "research/mcp");
        var result = await client.CallToolAsync("summarize", new Dictionary<string, object?> { ["text"] = "short paths work", ["maxWords"] = 2 }, cancellationToken: Ct);
        Assert.Equal("short paths …", Structured(result).GetProperty("summary").GetString());

        using var http = new HttpClient { BaseAddress = _stack.Edge.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, "research/mcp")
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Agent-API-Key", otherAgentsKey);
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task ManyCallsInFlight_AreEachAnsweredWithTheirOwnReply()
    {
        await using var responder = await StartMqttResponderAsync(new() { ["Responder:DelayMs"] = "200" });
        var agentKey = await CreateKeyAsync("--agent", "research", "--scopes", "agents:invoke");
        await using var client = await ConnectAsync(new() { ["X-Agent-API-Key"] = agentKey });

        var calls = Enumerable.Range(0, 20).Select(async i =>
        {
            var text = $"call {i} says hello to the agent platform";
            var result = await client.CallToolAsync("summarize", new Dictionary<string, object?> { ["text"] = text, ["maxWords"] = 3 }, cancellationToken: Ct);
            return (i, result);
        });

        foreach (var (i, result) in await Task.WhenAll(calls))
        {
            Assert.NotEqual(true, result.IsError);
            Assert.Equal($"call {i} says …", Structured(result).GetProperty("summary").GetString());
        }
    }

    [Fact]
    public async Task RestRuntime_ThroughTheEdgesChannelsRoute_AnswersCalls()
    {
        var runtimeKey = await CreateKeyAsync("--agent", "research", "--scopes", "agents:serve");
        await using var responder = ResponderHost.Start(_stack.Devices!.MqttPort, runtimeKey, new Dictionary<string, string?>
        {
            ["Responder:Transport"] = "Rest",
            ["Responder:EdgeUrl"] = _stack.Edge.BaseUrl.AbsoluteUri,
        });
        var userKey = await CreateKeyAsync("--scopes", "agents:invoke");
        await using var client = await ConnectAsync(new() { ["Authorization"] = "Bearer " + userKey });

        // The REST runtime announces its skills on its first poll; until then the catalog's declared skills are listed.
        var result = await client.CallToolAsync("summarize", new Dictionary<string, object?> { ["text"] = "one two three four", ["maxWords"] = 2 }, cancellationToken: Ct);

        Assert.NotEqual(true, result.IsError);
        Assert.Equal("one two …", Structured(result).GetProperty("summary").GetString());
    }

    [Fact]
    public async Task RevokingTheRuntimesKey_DisconnectsIt_AndCallsThenTimeOutWithAClearMessage()
    {
        var (keyId, runtimeKey) = await CreateKeyWithIdAsync("--agent", "research", "--scopes", "agents:serve");
        await using var responder = ResponderHost.Start(_stack.Devices!.MqttPort, runtimeKey);
        await WaitForHealthAsync(responder, HttpStatusCode.OK);

        var (exit, output) = await AdminAsync("keys", "revoke", keyId);
        Assert.True(exit == 0, output);

        // The device edge learns of the revoked token from the edge's revocation feed and closes the connection; the
        // responder's reconnects are refused from then on.
        await WaitForHealthAsync(responder, HttpStatusCode.ServiceUnavailable);
        var userKey = await CreateKeyAsync("--scopes", "agents:invoke");
        await using var client = await ConnectAsync(new() { ["Authorization"] = "Bearer " + userKey });
        var result = await client.CallToolAsync("web_search", new Dictionary<string, object?> { ["query"] = "anyone there?" }, cancellationToken: Ct);
        Assert.True(result.IsError);
        Assert.Contains("did not answer", Text(result), StringComparison.Ordinal);
    }

    private async Task<ResponderHost> StartMqttResponderAsync(Dictionary<string, string?>? settings = null)
    {
        var runtimeKey = await CreateKeyAsync("--agent", "research", "--scopes", "agents:serve");
        var responder = ResponderHost.Start(_stack.Devices!.MqttPort, runtimeKey, settings);
        await WaitForHealthAsync(responder, HttpStatusCode.OK);
        return responder;
    }

    private async Task<McpClient> ConnectAsync(Dictionary<string, string> headers, string path = "agents/research/mcp")
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(_stack.Edge.BaseUrl, path),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = headers,
        });
        return await McpClient.CreateAsync(transport, new McpClientOptions { DiscoverProbeTimeout = TimeSpan.FromSeconds(60) }, cancellationToken: Ct);
    }

    private async Task<string> CreateKeyAsync(params string[] args) => (await CreateKeyWithIdAsync(args)).Key;

    /// <summary>The admin CLI's <c>keys create --user demo …</c>: its <c>id:</c> line, and the key alone on the last line.</summary>
    private async Task<(string Id, string Key)> CreateKeyWithIdAsync(params string[] args)
    {
        var (exit, output) = await AdminAsync(["keys", "create", "--user", "demo", .. args]);
        Assert.True(exit == 0, output);
        var lines = output.TrimEnd().Split('\n').Select(l => l.Trim()).ToArray();
        return (lines.Single(l => l.StartsWith("id: ", StringComparison.Ordinal))[4..], lines[^1]);
    }

    private async Task<(int Exit, string Output)> AdminAsync(params string[] args)
    {
        using var output = new StringWriter();
        var exit = await AdminCommands.RunAsync([.. args, "--environment=Development", $"--Facade:DataDirectory={_stack.Edge.DataDirectory}"], new StringReader(""), output);
        return (exit, output.ToString());
    }

    private static async Task WaitForHealthAsync(ResponderHost responder, HttpStatusCode expected)
    {
        using var http = new HttpClient { BaseAddress = responder.HealthUrl };
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await http.GetAsync("healthz", Ct);
            if (response.StatusCode == expected)
            {
                return;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"the responder's /healthz stayed {response.StatusCode}, expected {expected}");
            await Task.Delay(50, Ct);
        }
    }

    private static JsonElement Structured(CallToolResult result) =>
        result.StructuredContent is { } structured ? JsonSerializer.Deserialize<JsonElement>(structured.GetRawText()) : JsonDocument.Parse(Text(result)).RootElement;

    private static string Text(CallToolResult result) => string.Join("\n", result.Content.OfType<TextContentBlock>().Select(c => c.Text));
}
