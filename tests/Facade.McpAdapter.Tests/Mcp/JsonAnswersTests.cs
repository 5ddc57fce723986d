using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Facade.McpAdapter.Tests.Security;
using Facade.Testing;

namespace Facade.McpAdapter.Tests.Mcp;

/// <summary>
/// Streamable HTTP lets a server answer a POST with <c>application/json</c> when the client accepts it: the adapter does
/// so for every request whose only message back is its response (no SSE framing, one body with its length, which the
/// edge forwards in one piece). <c>Adapter:JsonResponses=false</c> keeps the SDK's SSE answers.
/// </summary>
public sealed class JsonAnswersTests : IAsyncLifetime
{
    private const string ListTasks = """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"list_tasks","arguments":{}}}""";
    private FacadeStack _stack = null!;
    private string _token = "";

    public async ValueTask InitializeAsync()
    {
        _stack = FacadeStack.Start();
        using var oauth = new OAuthTestClient(_stack.Edge.BaseUrl);
        var (_, token) = await oauth.GetTokenAsync("tasks:read", cancellationToken: TestContext.Current.CancellationToken);
        _token = token.AccessToken!;
    }

    public ValueTask DisposeAsync() => _stack.DisposeAsync();

    [Theory]
    [InlineData("2025-06-18")]
    [InlineData("2025-11-25")]
    public async Task ToolCall_ThroughTheEdge_IsOneJsonDocumentWithItsLength(string revision)
    {
        using var response = await PostAsync(_stack.Edge.BaseUrl, ListTasks, _token, revision);

        await AssertJsonAnswerAsync(response, expectedId: 7);
    }

    [Fact]
    public async Task ToolCall_2026_07_28_IsOneJsonDocument()
    {
        const string call = """
            {"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"list_tasks","arguments":{},
             "_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},
                      "io.modelcontextprotocol/clientInfo":{"name":"raw","version":"1"}}}}
            """;

        using var response = await PostAsync(_stack.Edge.BaseUrl, call, _token, "2026-07-28",
            headers: new() { ["Mcp-Method"] = "tools/call", ["Mcp-Name"] = "list_tasks" });

        await AssertJsonAnswerAsync(response, expectedId: 8);
    }

    [Fact]
    public async Task Initialize_AndErrors_AreJsonToo_NotificationsStay202()
    {
        var ct = TestContext.Current.CancellationToken;
        using (var initialize = await PostAsync(_stack.Edge.BaseUrl, McpHttp.Initialize, _token, "2025-11-25"))
        {
            await AssertJsonAnswerAsync(initialize, expectedId: 1);
        }

        using (var unknown = await PostAsync(_stack.Edge.BaseUrl, """{"jsonrpc":"2.0","id":9,"method":"no/such-method"}""", _token, "2025-11-25"))
        {
            Assert.Equal("application/json", unknown.Content.Headers.ContentType?.MediaType);
            using var error = JsonDocument.Parse(await unknown.Content.ReadAsStringAsync(ct));
            Assert.Equal(9, error.RootElement.GetProperty("id").GetInt32());
            Assert.Equal(-32601, error.RootElement.GetProperty("error").GetProperty("code").GetInt32());
        }

        using var notification = await PostAsync(_stack.Edge.BaseUrl, """{"jsonrpc":"2.0","method":"notifications/initialized"}""", _token, "2025-11-25");
        Assert.Equal(HttpStatusCode.Accepted, notification.StatusCode);
        Assert.Empty(await notification.Content.ReadAsByteArrayAsync(ct));
    }

    [Fact]
    public async Task JsonResponsesOff_KeepsTheSdksEventStream()
    {
        await using var stack = FacadeStack.Start(adapterSettings: new Dictionary<string, string?> { ["Adapter:JsonResponses"] = "false" });
        using var oauth = new OAuthTestClient(stack.Edge.BaseUrl);
        var (_, token) = await oauth.GetTokenAsync("tasks:read", cancellationToken: TestContext.Current.CancellationToken);

        using var response = await PostAsync(stack.Edge.BaseUrl, ListTasks, token.AccessToken, "2025-11-25");

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("task-1", (await McpHttp.ReadResultAsync(response)).GetRawText());
    }

    private static async Task AssertJsonAnswerAsync(HttpResponseMessage response, int expectedId)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Encoding.UTF8.GetByteCount(text), response.Content.Headers.ContentLength);
        using var message = JsonDocument.Parse(text);
        Assert.Equal(expectedId, message.RootElement.GetProperty("id").GetInt32());
        Assert.True(message.RootElement.TryGetProperty("result", out _), text);
    }

    private static async Task<HttpResponseMessage> PostAsync(Uri baseUrl, string body, string? token, string revision,
        Dictionary<string, string>? headers = null)
    {
        using var http = new HttpClient { BaseAddress = baseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, "mcp") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", revision);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.Add(name, value);
        }

        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
