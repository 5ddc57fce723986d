using System.Net;
using System.Text.Json;
using Facade.McpAdapter.Tests.Security;
using MQTTnet;

namespace Facade.McpAdapter.Tests.Agents;

/// <summary>
/// The skills a real runtime announces on the real device edge, as the real adapter lists and calls them: fetched with
/// the caller's token, listed after the catalog's tools (which win on a name clash), guarded by their own scopes and
/// schema, reused per agent AND user, never across users.
/// </summary>
public sealed class AnnouncedSkillsTests(ChannelEndToEndFixture fixture) : IClassFixture<ChannelEndToEndFixture>
{
    private const string Path = "agents/research/mcp";

    private const string Translate =
        """{"name":"translate","description":"Translate a text.","inputSchema":{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]},"scopes":["agents:invoke"]}""";

    private const string DetectLanguage = """{"name":"detect_language","inputSchema":{"type":"object"}}""";

    [Fact]
    public async Task AnnouncedSkills_AreListed_AfterTheCatalogs_WhichWinOnANameClash_AndAreCallable()
    {
        await using var runtime = await fixture.ConnectRuntimeAsync($$"""
            [{{Translate}},
             {"name":"web_search","description":"The runtime's own idea of web_search.","inputSchema":{"type":"object"},"scopes":[]}]
            """);
        var user = ChannelEndToEndFixture.NewUser();
        var token = fixture.Token(subject: user);

        var tools = await ListAsync(fixture.Adapter, token);

        Assert.Equal(["web_search", "summarize", "translate"], tools.Select(t => t.GetProperty("name").GetString()));
        Assert.StartsWith("Search the web", tools[0].GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(["agents:invoke"], tools[2].GetProperty("_meta").GetProperty("facade/scopes").EnumerateArray().Select(s => s.GetString()));

        // The announced schema is enforced like a catalog one: the runtime's first call is the valid one after the refusal.
        var invalid = await CallAsync(token, "translate", "{}");
        Assert.True(invalid.GetProperty("isError").GetBoolean());
        var pending = CallAsync(token, "translate", """{"text":"hello"}""");
        var call = await runtime.ReceiveCallAsync();
        Assert.Equal("translate", call.GetProperty("tool").GetString());
        Assert.Equal("hello", call.GetProperty("arguments").GetProperty("text").GetString());
        Assert.Equal(user, call.GetProperty("caller").GetProperty("sub").GetString());
        await runtime.ReplyAsync(call, "\"translate: hallo\"");
        Assert.Equal("translate: hallo", ChannelToolTests.Text(await pending));
    }

    [Fact]
    public async Task SkillsTheDeviceEdgeRefuses_AreNeverListed()
    {
        await using var runtime = await fixture.ConnectRuntimeAsync($"[{Translate}]");

        var refused = await runtime.AnnounceAsync("""[{"name":"bad name!","description":"Not a tool name."},{"name":"broken","inputSchema":{"type":"array"}}]""");

        Assert.Equal(MqttClientPublishReasonCode.PayloadFormatInvalid, refused.ReasonCode);
        var names = (await ListAsync(fixture.Adapter, fixture.Token())).Select(t => t.GetProperty("name").GetString());
        Assert.Equal(["web_search", "summarize", "translate"], names);
    }

    [Fact]
    public async Task AnnouncedSkill_NeedsItsScopes_403InsufficientScope_BeforeTheAgentIsAsked()
    {
        await using var runtime = await fixture.ConnectRuntimeAsync("""[{"name":"file_task","inputSchema":{"type":"object"},"scopes":["agents:invoke","tasks:write"]}]""");
        var token = fixture.Token();
        var body = """{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"file_task","arguments":{}}}""";

        using var response = await McpHttp.PostAsync(fixture.Adapter.BaseUrl, Path, token, body);

        var json = await JsonError.AssertAsync(response, HttpStatusCode.Forbidden, "insufficient_scope", token);
        Assert.Equal("agents:invoke tasks:write", json.GetProperty("scope").GetString());

        // Stepped up, the call reaches the runtime: the first (and only) call it ever sees is this one.
        var stepped = ChannelEndToEndFixture.NewUser();
        var pending = CallAsync(fixture.Token("agents:invoke tasks:write", stepped), "file_task", "{}");
        var call = await runtime.ReceiveCallAsync();
        Assert.Equal(stepped, call.GetProperty("caller").GetProperty("sub").GetString());
        await runtime.ReplyAsync(call, """{"filed":true}""");
        Assert.True((await pending).GetProperty("structuredContent").GetProperty("filed").GetBoolean());
    }

    [Fact]
    public async Task UnknownTool_IsAProtocolError_WhenTheRuntimeDoesNotAnnounceIt()
    {
        await using var runtime = await fixture.ConnectRuntimeAsync("[]");
        var body = """{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"translate","arguments":{}}}""";

        using var response = await McpHttp.PostAsync(fixture.Adapter.BaseUrl, Path, fixture.Token(), body);

        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("\"code\":-32602", text, StringComparison.Ordinal);
        Assert.Contains("Unknown tool", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Skills_AreCachedPerUser_NeverServedFromAnotherUsersFetch()
    {
        await using var runtime = await fixture.ConnectRuntimeAsync($"[{Translate}]");
        var alice = fixture.Token(subject: "alice-" + Guid.NewGuid().ToString("N"));
        var bob = fixture.Token(subject: "bob-" + Guid.NewGuid().ToString("N"));
        Assert.Contains("translate", await NamesAsync(fixture.CachingAdapter, alice));

        var announced = await runtime.AnnounceAsync($"[{Translate},{DetectLanguage}]");
        Assert.True(announced.IsSuccess, announced.ReasonCode.ToString());

        // Alice's list comes from her cached fetch; Bob's is his own, so it has the new skill.
        Assert.DoesNotContain("detect_language", await NamesAsync(fixture.CachingAdapter, alice));
        Assert.Contains("detect_language", await NamesAsync(fixture.CachingAdapter, bob));

        // The adapter without a cache asks every time.
        Assert.Contains("detect_language", await NamesAsync(fixture.Adapter, alice));
    }

    [Theory]
    [InlineData("mcp")]
    [InlineData("agents/planner/mcp")]
    [InlineData("sse")]
    public async Task TokenBoundToAnAgent_IsForbiddenEverywhereButThatAgentsServer(string path)
    {
        await using var runtime = await fixture.ConnectRuntimeAsync($"[{Translate}]");
        var token = fixture.Token(subject: "demo", claims: new Dictionary<string, object> { [Facade.Common.Tokens.FacadeClaims.AgentId] = "research" });

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

        // On its own agent's server it works, and the device edge, confining it too, still shows it that agent's skills.
        Assert.Contains("translate", await NamesAsync(fixture.Adapter, token));
    }

    private static async Task<List<JsonElement>> ListAsync(Facade.Testing.McpAdapterHost adapter, string token)
    {
        using var response = await McpHttp.PostAsync(adapter.BaseUrl, Path, token, McpHttp.ToolsList);
        return [.. (await McpHttp.ReadResultAsync(response)).GetProperty("tools").EnumerateArray()];
    }

    private static async Task<List<string?>> NamesAsync(Facade.Testing.McpAdapterHost adapter, string token) =>
        [.. (await ListAsync(adapter, token)).Select(t => t.GetProperty("name").GetString())];

    private async Task<JsonElement> CallAsync(string token, string tool, string arguments)
    {
        var body = $$$"""{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"{{{tool}}}","arguments":{{{arguments}}}}}""";
        using var response = await McpHttp.PostAsync(fixture.Adapter.BaseUrl, Path, token, body);
        return await McpHttp.ReadResultAsync(response);
    }
}
