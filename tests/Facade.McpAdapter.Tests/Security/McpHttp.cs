using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Facade.McpAdapter.Tests.Security;

/// <summary>Raw MCP over HTTP, the way a hand-written client (or an attacker) sends it: one JSON-RPC body per POST.</summary>
internal static class McpHttp
{
    public const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";

    public const string ToolsList = """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""";

    public static async Task<HttpResponseMessage> PostAsync(Uri baseUrl, string path, string? token, string body) =>
        await PostAsync(baseUrl, path, token, new StringContent(body, Encoding.UTF8, "application/json"));

    public static async Task<HttpResponseMessage> PostAsync(Uri baseUrl, string path, string? token, HttpContent content)
    {
        using var http = new HttpClient { BaseAddress = baseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", "2025-11-25");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>The JSON-RPC response in a 200 answer, whether it came as JSON or as one SSE event.</summary>
    public static async Task<JsonElement> ReadResultAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        var json = response.Content.Headers.ContentType?.MediaType == "text/event-stream"
            ? string.Join("", text.Split('\n').Where(l => l.StartsWith("data:", StringComparison.Ordinal)).Select(l => l["data:".Length..].Trim()))
            : text;
        var message = JsonDocument.Parse(json).RootElement.Clone();
        Assert.True(message.TryGetProperty("result", out var result), json);
        return result;
    }
}
