using Facade.McpAdapter.Catalog;

namespace Facade.McpAdapter.Tests.Backend;

/// <summary>One-backend catalogs pointed at a test server, built through the real loader.</summary>
internal static class BackendCatalogs
{
    /// <summary>A catalog with backend <c>stub</c> at <paramref name="url"/> and the given tools JSON.</summary>
    public static ToolCatalog For(string url, string tools, double? timeoutSeconds = null) =>
        CatalogLoader.Parse(
            $$"""{ "backends": { "stub": { "baseUrl": "{{url}}", "title": "stub"{{(timeoutSeconds is { } t ? $", \"timeoutSeconds\": {t.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "")}} } }, "tools": [ {{tools}} ] }""",
            AppContext.BaseDirectory,
            "stub-catalog.json");

    /// <summary>A GET tool named <paramref name="name"/> on <paramref name="path"/> taking no arguments.</summary>
    public static string Get(string name, string path, string extraCall = "") => $$"""
        { "name": "{{name}}", "description": "d", "scopes": [], "call": { "method": "GET", "path": "{{path}}" {{extraCall}} } }
        """;

    public static ToolDefinition Tool(this ToolCatalog catalog, string name)
    {
        Assert.True(catalog.TryGetTool(name, out var tool), name);
        return tool;
    }
}
