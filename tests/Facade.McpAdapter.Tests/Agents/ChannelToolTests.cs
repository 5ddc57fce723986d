using System.Net;
using System.Text.Json;
using Facade.McpAdapter.Tests.Security;

namespace Facade.McpAdapter.Tests.Agents;

/// <summary>
/// Channel-backed tools through the real adapter (README.md, "Agent channel", "Adapter"), against the contract stand-in of the
/// device edge: the call envelope and the caller's token go out, the reply comes back as the tool result.
/// </summary>
public sealed class ChannelToolTests(ChannelFixture fixture) : IClassFixture<ChannelFixture>
{
    private const string Path = "agents/research/mcp";

    [Fact]
    public async Task Call_PostsTheEnvelope_WithTheCallersToken_AndAnObjectResult_IsTextAndStructuredContent()
    {
        var token = fixture.Token();
        fixture.Edge.Answer = _ => (200, """{"result":{"results":[{"title":"A","url":"https://a.example/","snippet":"a"}]}}""");

        var result = await CallAsync(token, "web_search", """{"query":"mqtt brokers","limit":2}""");

        Assert.False(result.TryGetProperty("isError", out var isError) && isError.GetBoolean());
        Assert.Equal("A", result.GetProperty("structuredContent").GetProperty("results")[0].GetProperty("title").GetString());
        Assert.Equal("A", JsonDocument.Parse(Text(result)).RootElement.GetProperty("results")[0].GetProperty("title").GetString());
        var call = Assert.Single(fixture.Edge.Calls, c => c.Authorization == "Bearer " + token);
        Assert.Equal("research", call.AgentId);
        Assert.Equal("web_search", call.Body.GetProperty("tool").GetString());
        Assert.Equal("mqtt brokers", call.Body.GetProperty("arguments").GetProperty("query").GetString());
        Assert.Equal(2, call.Body.GetProperty("arguments").GetProperty("limit").GetInt32());
        Assert.Equal(30, call.Body.GetProperty("timeoutSeconds").GetInt32());
    }

    [Fact]
    public async Task StringResult_IsTheText_WithoutStructuredContent()
    {
        fixture.Edge.Answer = _ => (200, """{"result":"Three words here."}""");

        var result = await CallAsync(fixture.Token(), "summarize", """{"text":"a b c d","maxWords":3}""");

        Assert.Equal("Three words here.", Text(result));
        Assert.False(result.TryGetProperty("structuredContent", out var structured) && structured.ValueKind != JsonValueKind.Null);
    }

    [Fact]
    public async Task AgentError_IsAnErrorResult_NamingTheAgent()
    {
        fixture.Edge.Answer = _ => (200, """{"error":"search index offline"}""");

        var result = await CallAsync(fixture.Token(), "web_search", """{"query":"x"}""");

        Assert.True(result.GetProperty("isError").GetBoolean());
        Assert.Equal("The agent 'research' answered with an error: search index offline", Text(result));
    }

    [Theory]
    [InlineData(504, "agent_timeout", "The agent 'research' did not answer within 30 s (no runtime connected)")]
    [InlineData(502, "agent_runtime_lost", "The agent's runtime disconnected before answering.")]
    public async Task DeviceEdgeGivingUp_IsAnErrorResult_WithItsDescription(int status, string error, string description)
    {
        fixture.Edge.Answer = _ => (status, JsonSerializer.Serialize(new { error, error_description = description }));

        var result = await CallAsync(fixture.Token(), "web_search", """{"query":"x"}""");

        Assert.True(result.GetProperty("isError").GetBoolean());
        Assert.Equal(description, Text(result));
    }

    [Fact]
    public async Task InvalidArguments_AreRefusedByTheCatalogSchema_BeforeTheAgentIsAsked()
    {
        var token = fixture.Token();

        var result = await CallAsync(token, "web_search", """{"query":"x","limit":11}""");

        Assert.True(result.GetProperty("isError").GetBoolean());
        Assert.StartsWith("Invalid arguments:", Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Edge.Calls, c => c.Authorization == "Bearer " + token);
    }

    [Fact]
    public async Task AnnouncedSkills_AreListed_AfterTheCatalogs_WhichWinOnANameClash_AndAreCallable()
    {
        fixture.Edge.Skills = """
            {"version":3,"online":true,"skills":[
              {"name":"translate","description":"Translate a text.","inputSchema":{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]},"scopes":["agents:invoke"]},
              {"name":"web_search","description":"The runtime's own idea of web_search.","inputSchema":{"type":"object"},"scopes":[]},
              {"name":"bad name!","description":"Not a tool name."},
              {"name":"broken","inputSchema":{"type":"array"}}]}
            """;
        var token = fixture.Token();

        using var response = await McpHttp.PostAsync(fixture.Adapter.BaseUrl, Path, token, McpHttp.ToolsList);
        var tools = (await McpHttp.ReadResultAsync(response)).GetProperty("tools").EnumerateArray().ToList();

        Assert.Equal(["web_search", "summarize", "translate"], tools.Select(t => t.GetProperty("name").GetString()));
        Assert.StartsWith("Search the web", tools[0].GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(["agents:invoke"], tools[2].GetProperty("_meta").GetProperty("facade/scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Contains(fixture.Edge.SkillRequests, a => a == "Bearer " + token);

        fixture.Edge.Answer = call => (200, JsonSerializer.Serialize(new { result = $"{call.Body.GetProperty("tool").GetString()}: hallo" }));
        var result = await CallAsync(token, "translate", """{"text":"hello"}""");
        Assert.Equal("translate: hallo", Text(result));

        // The announced schema is enforced like a catalog one.
        var invalid = await CallAsync(token, "translate", "{}");
        Assert.True(invalid.GetProperty("isError").GetBoolean());
        Assert.Equal(1, fixture.Edge.Calls.Count(c => c.Authorization == "Bearer " + token));
    }

    [Fact]
    public async Task AnnouncedSkill_NeedsItsScopes_403InsufficientScope_BeforeTheAgentIsAsked()
    {
        fixture.Edge.Skills = """{"version":4,"online":true,"skills":[{"name":"file_task","inputSchema":{"type":"object"},"scopes":["agents:invoke","tasks:write"]}]}""";
        var token = fixture.Token();
        var call = """{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"file_task","arguments":{}}}""";

        using var response = await McpHttp.PostAsync(fixture.Adapter.BaseUrl, Path, token, call);

        var json = await JsonError.AssertAsync(response, HttpStatusCode.Forbidden, "insufficient_scope", token);
        Assert.Equal("agents:invoke tasks:write", json.GetProperty("scope").GetString());
        Assert.DoesNotContain(fixture.Edge.Calls, c => c.Authorization == "Bearer " + token);

        var stepped = fixture.Token("agents:invoke tasks:write");
        fixture.Edge.Answer = _ => (200, """{"result":{"filed":true}}""");
        var result = await CallAsync(stepped, "file_task", "{}");
        Assert.True(result.GetProperty("structuredContent").GetProperty("filed").GetBoolean());
    }

    [Fact]
    public async Task UnknownTool_IsAProtocolError_WhenTheRuntimeDoesNotAnnounceIt()
    {
        fixture.Edge.Skills = """{"version":5,"online":false,"skills":[]}""";
        var body = """{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"translate","arguments":{}}}""";

        using var response = await McpHttp.PostAsync(fixture.Adapter.BaseUrl, Path, fixture.Token(), body);

        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("\"code\":-32602", text, StringComparison.Ordinal);
        Assert.Contains("Unknown tool", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mcp")]
    [InlineData("agents/planner/mcp")]
    [InlineData("sse")]
    public async Task TokenBoundToAnAgent_IsForbiddenEverywhereButThatAgentsServer(string path)
    {
        var token = fixture.Token(subject: "demo", claims: new Dictionary<string, object> { ["agent_id"] = "research" });

        using var http = new HttpClient { BaseAddress = fixture.Adapter.BaseUrl };
        using var request = new HttpRequestMessage(path == "sse" ? HttpMethod.Get : HttpMethod.Post, path);
        request.Headers.Authorization = new("Bearer", token);
        if (path != "sse")
        {
            request.Content = new StringContent(McpHttp.ToolsList, System.Text.Encoding.UTF8, "application/json");
            request.Headers.Accept.ParseAdd("application/json");
            request.Headers.Accept.ParseAdd("text/event-stream");
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        var json = await JsonError.AssertAsync(response, HttpStatusCode.Forbidden, "forbidden", token);
        Assert.Contains("/agents/research/mcp", json.GetProperty("error_description").GetString(), StringComparison.Ordinal);

        using var own = await McpHttp.PostAsync(fixture.Adapter.BaseUrl, Path, token, McpHttp.ToolsList);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    private async Task<JsonElement> CallAsync(string token, string tool, string arguments)
    {
        var body = $$$"""{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"{{{tool}}}","arguments":{{{arguments}}}}}""";
        using var response = await McpHttp.PostAsync(fixture.Adapter.BaseUrl, Path, token, body);
        return await McpHttp.ReadResultAsync(response);
    }

    private static string Text(JsonElement result) =>
        string.Join("\n", result.GetProperty("content").EnumerateArray().Select(c => c.GetProperty("text").GetString()));
}
