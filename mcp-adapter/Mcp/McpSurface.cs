using Facade.McpAdapter.Catalog;

namespace Facade.McpAdapter.Mcp;

/// <summary>
/// Which catalog view a request talks to: <c>/mcp</c> is the default server, <c>/agents/{agentId}/mcp</c> an agent's.
/// The gate resolves it once per request; the MCP handlers read it back.
/// </summary>
internal static class McpSurface
{
    private const string ItemKey = "facade.mcp-view";

    public static void Set(HttpContext context, CatalogView view) => context.Items[ItemKey] = view;

    public static CatalogView Get(HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var view) && view is CatalogView resolved
            ? resolved
            : throw new InvalidOperationException("The MCP gate did not run for this request.");

    /// <summary>The streamable HTTP endpoints (<c>/mcp</c>, <c>/agents/{agentId}/mcp</c>), not legacy SSE's <c>/sse</c> and <c>/message</c>.</summary>
    public static bool IsStreamablePath(PathString path) =>
        IsMcpPath(path, out var agentId) && (agentId is not null || path.Equals("/mcp", StringComparison.OrdinalIgnoreCase));

    public static bool IsMcpPath(PathString path, out string? agentId)
    {
        agentId = null;
        if (path.Equals("/mcp", StringComparison.OrdinalIgnoreCase)
            || path.Equals("/sse", StringComparison.OrdinalIgnoreCase)
            || path.Equals("/message", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // /agents/{agentId}/mcp
        var segments = (path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments is ["agents", var id, "mcp"] && string.Equals(segments[0], "agents", StringComparison.OrdinalIgnoreCase))
        {
            agentId = Uri.UnescapeDataString(id);
            return true;
        }

        return false;
    }
}
