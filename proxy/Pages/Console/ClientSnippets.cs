using System.Text.Json;
using System.Text.Json.Nodes;

namespace Facade.Proxy.Pages.Console;

/// <summary>One client's set-up: where it goes and what to paste.</summary>
internal sealed record ClientSnippet(string Id, string Client, string Where, string Text);

/// <summary>
/// The set-up snippets of README.md's "Client set-up" section, with this edge's MCP URL: remote (streamable HTTP with
/// OAuth) for Claude Code, Cursor and VS Code; the stdio bridge <c>facade-mcp</c> (tools/facade-mcp/README.md) for
/// Claude Desktop, whose config file takes no remote URLs.
/// </summary>
internal static class ClientSnippets
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, IndentSize = 2 };

    public static IReadOnlyList<ClientSnippet> For(Uri edge)
    {
        ArgumentNullException.ThrowIfNull(edge);
        var mcp = new Uri(edge, "mcp").AbsoluteUri;
        return
        [
            new("claude-desktop", "Claude Desktop", "claude_desktop_config.json (through the stdio bridge facade-mcp)",
                Json(new JsonObject { ["mcpServers"] = new JsonObject { ["facade"] = new JsonObject { ["command"] = "facade-mcp", ["args"] = new JsonArray("--url", mcp) } } })),
            new("claude-code", "Claude Code", "a terminal", $"claude mcp add --transport http facade {mcp}"),
            new("cursor", "Cursor", ".cursor/mcp.json (or ~/.cursor/mcp.json)",
                Json(new JsonObject { ["mcpServers"] = new JsonObject { ["facade"] = new JsonObject { ["url"] = mcp } } })),
            new("vscode", "VS Code", ".vscode/mcp.json",
                Json(new JsonObject { ["servers"] = new JsonObject { ["facade"] = new JsonObject { ["type"] = "http", ["url"] = mcp } } })),
            new("stdio", "The stdio bridge (facade-mcp)", "a terminal, in a clone of the Facade repository",
                string.Join('\n',
                    "dotnet pack tools/facade-mcp -c Release -o artifacts/nupkg",
                    "dotnet tool install --global --add-source artifacts/nupkg Facade.Mcp",
                    $"facade-mcp --url {mcp} --login")),
        ];
    }

    private static string Json(JsonNode node) => node.ToJsonString(Indented);
}
