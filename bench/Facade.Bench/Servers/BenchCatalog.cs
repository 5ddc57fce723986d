using System.Text.Json;
using System.Text.Json.Nodes;

namespace Facade.Bench.Servers;

/// <summary>
/// The MCP adapter's catalog for scenario 2, written to the scratch folder: the shipped catalog's REST-backed
/// <c>list_tasks</c> and, as a second top-level tool of the same <c>/mcp</c> server, its channel-backed
/// <c>summarize</c> answered by agent <see cref="AgentId"/> (the shipped entry with its channel pointed there). Both
/// entries are copied from <c>mcp-adapter/catalog/catalog.json</c>, so they are what a deployment serves; the two
/// tools differ only in what answers them.
/// </summary>
internal static class BenchCatalog
{
    public const string AgentId = "bench";
    public const string RestTool = "list_tasks";
    public const string ChannelTool = "summarize";

    private const string ShippedAgent = "research";

    public static async Task<string> WriteAsync(BenchContext context)
    {
        var shipped = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(context.Root, "mcp-adapter", "catalog", "catalog.json")))!.AsObject();
        var rest = Find(shipped["tools"], RestTool, "tools");
        var channel = Find(shipped["agents"]?[ShippedAgent]?["ownTools"], ChannelTool, $"agents.{ShippedAgent}.ownTools");
        channel["call"]!["channel"] = AgentId;

        var backends = shipped["backends"]!.AsObject();
        var catalog = new JsonObject
        {
            ["description"] = "Benchmark catalog (bench/Facade.Bench/Servers/BenchCatalog.cs): one REST-backed and one channel-backed tool.",
            ["backends"] = new JsonObject { ["legacy"] = backends["legacy"]!.DeepClone(), ["agents"] = backends["agents"]!.DeepClone() },
            ["tools"] = new JsonArray(rest, channel),
            ["agents"] = new JsonObject
            {
                [AgentId] = new JsonObject
                {
                    ["description"] = "The benchmark's agent: mocks/AgentResponder answers its skills over the device edge's channel.",
                    ["allowedUsers"] = new JsonArray(EdgeServer.UserName),
                },
            },
        };
        var path = Path.Combine(context.Folder("mcp-adapter"), "catalog.json");
        await File.WriteAllTextAsync(path, catalog.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }

    private static JsonObject Find(JsonNode? list, string name, string where) =>
        (list as JsonArray)?.OfType<JsonObject>().FirstOrDefault(t => t["name"]?.GetValue<string>() == name)?.DeepClone().AsObject()
        ?? throw new InvalidOperationException($"mcp-adapter/catalog/catalog.json has no '{name}' in {where} any more; update {nameof(BenchCatalog)}.");
}
