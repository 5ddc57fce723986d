using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Facade.Bench.Load;
using Facade.Bench.Servers;

namespace Facade.Bench.Scenarios;

/// <summary>
/// Scenario 2: an MCP <c>tools/call</c> of a read tool, through the edge's <c>/mcp</c> route and the adapter to the
/// same trivial backend. Streamable HTTP: initialize (keeping the session id, if any), pick a read-only tool that
/// needs no arguments (or the one named with <c>--mcp-tool</c>), check one call, then hand wrk the exact request.
/// When the adapter does not answer as expected, the scenario reports why instead of a number.
/// </summary>
internal static class McpScenario
{
    public const string Path = "/mcp";
    private const string ProtocolVersion = "2025-06-18";

    public static async Task<(Target? Target, string Note)> PrepareAsync(EdgeServer edge, ServerProcess adapter, string token, string? toolName,
        string scriptFolder)
    {
        var (request, tool, failure) = await PrepareCallAsync(edge, token, toolName);
        if (request is null)
        {
            return (null, failure!);
        }

        var target = Target.Wrk(Targets.FacadeMcp, edge.Process, [request], scriptFolder) with { Companion = adapter };
        return (target, $"`tools/call` of `{tool}` (read-only, no arguments) via the edge's `/mcp` route → adapter (stateless streamable HTTP) → backend `GET /api/tasks`.");
    }

    /// <summary>The checked <c>tools/call</c> of a read tool that scenario 2 and the soak repeat, or why there is none.</summary>
    public static async Task<(RequestSpec? Request, string? Tool, string? Failure)> PrepareCallAsync(EdgeServer edge, string token, string? toolName)
    {
        using var client = Client(edge);
        var (headers, failure) = await InitializeAsync(client, token);
        if (headers is null)
        {
            return (null, null, failure!);
        }

        var (_, list, listText) = await PostAsync(client, headers, Rpc(2, "tools/list", new JsonObject()));
        var tool = PickTool(list?["result"]?["tools"] as JsonArray, toolName);
        if (tool is null)
        {
            return (null, null, $"n/a: no read-only tool without required arguments{(toolName is null ? "" : $" named '{toolName}'")} in tools/list ({Shorten(listText)}).");
        }

        var call = Rpc(3, "tools/call", new JsonObject { ["name"] = tool, ["arguments"] = new JsonObject() });
        if (await CheckCallAsync(client, headers, call, tool) is { } callFailure)
        {
            return (null, tool, callFailure);
        }

        return (new RequestSpec("POST", Path, headers, call.ToJsonString()), tool, null);
    }

    /// <summary>
    /// The same request shape as <see cref="PrepareAsync"/> (same <c>/mcp</c> server, same headers), calling the
    /// channel-backed <see cref="BenchCatalog.ChannelTool"/>: edge → adapter → device edge (<c>POST /agents/{id}/calls</c>)
    /// → MQTT inbox → responder → outbox → back. The token must carry <c>agents:invoke</c>.
    /// </summary>
    public static async Task<(Target? Target, string Note)> PrepareChannelAsync(EdgeServer edge, ServerProcess adapter, string token, string scriptFolder)
    {
        using var client = Client(edge);
        var (headers, failure) = await InitializeAsync(client, token);
        if (headers is null)
        {
            return (null, failure!);
        }

        var arguments = new JsonObject { ["text"] = ChannelText, ["maxWords"] = 8 };
        var call = Rpc(3, "tools/call", new JsonObject { ["name"] = BenchCatalog.ChannelTool, ["arguments"] = arguments });
        if (await CheckCallAsync(client, headers, call, BenchCatalog.ChannelTool) is { } callFailure)
        {
            return (null, callFailure);
        }

        var request = new RequestSpec("POST", Path, headers, call.ToJsonString());
        var target = Target.Wrk(Targets.FacadeMcpChannel, edge.Process, [request], scriptFolder) with { Companion = adapter };
        return (target, $"`tools/call` of `{BenchCatalog.ChannelTool}` ({Encoding.UTF8.GetByteCount(ChannelText)} bytes of text, `maxWords` 8) on the same `/mcp` server: " +
            $"edge → adapter → device edge `POST /agents/{BenchCatalog.AgentId}/calls` → MQTT `agents/{BenchCatalog.AgentId}/inbox` (embedded broker) → " +
            "`mocks/AgentResponder` (no delay) → `…/outbox` → back; the device edge and the responder are separate processes whose CPU is not in the table.");
    }

    private const string ChannelText =
        "Facade sits in front of services that are already fast, so it is judged against what a platform team would otherwise deploy.";

    private static HttpClient Client(EdgeServer edge) => new() { BaseAddress = edge.Process.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>initialize + notifications/initialized; the headers every later request needs, or why not.</summary>
    private static async Task<(Dictionary<string, string>? Headers, string? Failure)> InitializeAsync(HttpClient client, string token)
    {
        var headers = new Dictionary<string, string>
        {
            ["Authorization"] = "Bearer " + token,
            ["Accept"] = "application/json, text/event-stream",
            ["Content-Type"] = "application/json",
        };

        var (status, init, response) = await PostAsync(client, headers, Rpc(1, "initialize", new JsonObject
        {
            ["protocolVersion"] = ProtocolVersion,
            ["capabilities"] = new JsonObject(),
            ["clientInfo"] = new JsonObject { ["name"] = "facade-bench", ["version"] = "1.0" },
        }));
        if (init?["result"] is not JsonObject initialized)
        {
            return (null, $"n/a: the adapter does not answer MCP initialize through the edge yet ({status}: {Shorten(response)}).");
        }

        headers["MCP-Protocol-Version"] = initialized["protocolVersion"]?.GetValue<string>() ?? ProtocolVersion;
        if (init["__session"]?.GetValue<string>() is { } session)
        {
            headers["Mcp-Session-Id"] = session;
        }

        await PostAsync(client, headers, new JsonObject { ["jsonrpc"] = "2.0", ["method"] = "notifications/initialized" });
        return (headers, null);
    }

    /// <summary>One checked call before wrk repeats it: null when it gave a result that is not an error.</summary>
    private static async Task<string?> CheckCallAsync(HttpClient client, Dictionary<string, string> headers, JsonObject call, string tool)
    {
        var (callStatus, result, callText) = await PostAsync(client, headers, call);
        return result?["result"] is not JsonObject called || called["isError"]?.GetValue<bool>() == true
            ? $"n/a: tools/call {tool} failed ({callStatus}: {Shorten(callText)})."
            : null;
    }

    private static string? PickTool(JsonArray? tools, string? wanted)
    {
        var candidates = (tools ?? []).OfType<JsonObject>()
            .Where(t => t["inputSchema"]?["required"] is not JsonArray { Count: > 0 })
            .ToList();
        if (wanted is not null)
        {
            return candidates.Any(t => t["name"]?.GetValue<string>() == wanted) ? wanted : null;
        }

        return candidates
            .OrderByDescending(t => t["annotations"]?["readOnlyHint"]?.GetValue<bool>() == true)
            .ThenByDescending(t => t["name"]?.GetValue<string>().Contains("task", StringComparison.OrdinalIgnoreCase) == true)
            .Where(t => t["annotations"]?["readOnlyHint"]?.GetValue<bool>() == true || t["name"]?.GetValue<string>().StartsWith("list", StringComparison.OrdinalIgnoreCase) == true)
            .Select(t => t["name"]?.GetValue<string>())
            .FirstOrDefault();
    }

    private static JsonObject Rpc(int id, string method, JsonObject parameters) =>
        new() { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters };

    /// <summary>Posts one JSON-RPC message; the answer may be JSON or a one-event SSE stream. The session id rides along as <c>__session</c>.</summary>
    private static async Task<(int Status, JsonNode? Json, string Text)> PostAsync(HttpClient client, Dictionary<string, string> headers, JsonObject message)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path.TrimStart('/'))
        {
            Content = new StringContent(message.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in headers.Where(h => h.Key is not "Content-Type"))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var json = response.Content.Headers.ContentType?.MediaType == "text/event-stream"
                ? text.Split('\n').Where(l => l.StartsWith("data:", StringComparison.Ordinal)).Select(l => l[5..].Trim()).LastOrDefault()
                : text;
            JsonNode? node = null;
            try
            {
                node = string.IsNullOrWhiteSpace(json) ? null : JsonNode.Parse(json);
            }
            catch (JsonException)
            {
            }

            if (node is JsonObject obj && response.Headers.TryGetValues("Mcp-Session-Id", out var sessions))
            {
                obj["__session"] = sessions.First();
            }

            return ((int)response.StatusCode, node, text);
        }
        catch (HttpRequestException exception)
        {
            return (0, null, exception.Message);
        }
    }

    private static string Shorten(string text) => text.Length <= 160 ? text : text[..160] + "…";
}
