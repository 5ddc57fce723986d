using System.Text.Json;
using Facade.McpAdapter.Tests.Security;

namespace Facade.McpAdapter.Tests.Agents;

/// <summary>
/// Channel-backed tools end to end (README.md, "Agent channel", "Adapter"): the real adapter posts the call with the
/// caller's token to the real device edge, which hands it to a real runtime over MQTT; the runtime's reply, error,
/// silence or loss comes back as the tool result.
/// </summary>
public sealed class ChannelToolTests(ChannelEndToEndFixture fixture) : IClassFixture<ChannelEndToEndFixture>
{
    private const string Path = "agents/research/mcp";

    [Fact]
    public async Task Call_ReachesTheRuntime_WithTheArgumentsAndTheCaller_AndAnObjectResult_IsTextAndStructuredContent()
    {
        await using var runtime = await fixture.ConnectRuntimeAsync();
        var user = ChannelEndToEndFixture.NewUser();

        var pending = CallAsync(fixture.Token(subject: user), "web_search", """{"query":"mqtt brokers","limit":2}""");
        var call = await runtime.ReceiveCallAsync();
        Assert.Equal("web_search", call.GetProperty("tool").GetString());
        Assert.Equal("mqtt brokers", call.GetProperty("arguments").GetProperty("query").GetString());
        Assert.Equal(2, call.GetProperty("arguments").GetProperty("limit").GetInt32());

        // The caller comes from the token the adapter forwarded, as the device edge validated it.
        Assert.Equal(user, call.GetProperty("caller").GetProperty("sub").GetString());
        await runtime.ReplyAsync(call, """{"results":[{"title":"A","url":"https://a.example/","snippet":"a"}]}""");
        var result = await pending;

        Assert.False(result.TryGetProperty("isError", out var isError) && isError.GetBoolean(), result.ToString());
        Assert.Equal("A", result.GetProperty("structuredContent").GetProperty("results")[0].GetProperty("title").GetString());
        Assert.Equal("A", JsonDocument.Parse(Text(result)).RootElement.GetProperty("results")[0].GetProperty("title").GetString());
    }

    [Fact]
    public async Task StringResult_IsTheText_WithoutStructuredContent()
    {
        await using var runtime = await fixture.ConnectRuntimeAsync();

        var pending = CallAsync(fixture.Token(), "summarize", """{"text":"a b c d","maxWords":3}""");
        await runtime.ReplyAsync(await runtime.ReceiveCallAsync(), "\"Three words here.\"");
        var result = await pending;

        Assert.Equal("Three words here.", Text(result));
        Assert.False(result.TryGetProperty("structuredContent", out var structured) && structured.ValueKind != JsonValueKind.Null);
    }

    [Fact]
    public async Task AgentError_IsAnErrorResult_NamingTheAgent()
    {
        await using var runtime = await fixture.ConnectRuntimeAsync();

        var pending = CallAsync(fixture.Token(), "web_search", """{"query":"x"}""");
        await runtime.FailAsync(await runtime.ReceiveCallAsync(), "search index offline");
        var result = await pending;

        Assert.True(result.GetProperty("isError").GetBoolean());
        Assert.Equal("The agent 'research' answered with an error: search index offline", Text(result));
    }

    [Fact]
    public async Task RuntimeThatNeverAnswers_IsAnErrorResult_WithTheDeviceEdgesTimeout()
    {
        await using var runtime = await fixture.ConnectRuntimeAsync(agentId: ChannelEndToEndFixture.Hasty);

        var pending = CallAsync(fixture.Token(), "ask", """{"question":"still there?"}""", ChannelEndToEndFixture.Hasty);
        Assert.Equal("ask", (await runtime.ReceiveCallAsync()).GetProperty("tool").GetString());
        var result = await pending;

        Assert.True(result.GetProperty("isError").GetBoolean());
        Assert.Equal("The agent 'hasty' did not answer within 1 s (runtime busy).", Text(result));
    }

    [Fact]
    public async Task NoRuntimeConnected_IsAnErrorResult_WithTheDeviceEdgesTimeout()
    {
        var result = await CallAsync(fixture.Token(), "ask", """{"question":"anyone?"}""", ChannelEndToEndFixture.Hasty);

        Assert.True(result.GetProperty("isError").GetBoolean());
        Assert.Equal("The agent 'hasty' did not answer within 1 s (no runtime connected).", Text(result));
    }

    [Fact]
    public async Task RuntimeLostMidCall_IsAnErrorResult_WithTheDeviceEdgesDescription()
    {
        await using var runtime = await fixture.ConnectRuntimeAsync();

        var pending = CallAsync(fixture.Token(), "web_search", """{"query":"x"}""");
        await runtime.ReceiveCallAsync();
        runtime.Crash();
        var result = await pending;

        Assert.True(result.GetProperty("isError").GetBoolean());
        Assert.Equal("The agent 'research' could not answer: the agent's runtime disconnected.", Text(result));
    }

    [Fact]
    public async Task RuntimeReannouncingMidCall_IsAnErrorResult_ItRestarted()
    {
        await using var runtime = await fixture.ConnectRuntimeAsync();

        var pending = CallAsync(fixture.Token(), "web_search", """{"query":"x"}""");
        await runtime.ReceiveCallAsync();
        await runtime.AnnounceAsync("[]");
        var result = await pending;

        Assert.True(result.GetProperty("isError").GetBoolean());
        Assert.Equal("The agent 'research' could not answer: the agent's runtime restarted.", Text(result));
    }

    [Fact]
    public async Task InvalidArguments_AreRefusedByTheCatalogSchema_BeforeTheAgentIsAsked()
    {
        await using var runtime = await fixture.ConnectRuntimeAsync();

        var result = await CallAsync(fixture.Token(), "web_search", """{"query":"refused","limit":11}""");

        Assert.True(result.GetProperty("isError").GetBoolean());
        Assert.StartsWith("Invalid arguments:", Text(result), StringComparison.Ordinal);

        // The runtime's first call is the valid one sent after the refusal: the refused call never reached it.
        var pending = CallAsync(fixture.Token(), "web_search", """{"query":"valid"}""");
        var call = await runtime.ReceiveCallAsync();
        Assert.Equal("valid", call.GetProperty("arguments").GetProperty("query").GetString());
        await runtime.ReplyAsync(call, "\"ok\"");
        Assert.Equal("ok", Text(await pending));
    }

    private async Task<JsonElement> CallAsync(string token, string tool, string arguments, string agentId = "research")
    {
        var body = $$$"""{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"{{{tool}}}","arguments":{{{arguments}}}}}""";
        using var response = await McpHttp.PostAsync(fixture.Adapter.BaseUrl, agentId == "research" ? Path : $"agents/{agentId}/mcp", token, body);
        return await McpHttp.ReadResultAsync(response);
    }

    internal static string Text(JsonElement result) =>
        string.Join("\n", result.GetProperty("content").EnumerateArray().Select(c => c.GetProperty("text").GetString()));
}
