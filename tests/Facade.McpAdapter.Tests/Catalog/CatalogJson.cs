namespace Facade.McpAdapter.Tests.Catalog;

/// <summary>Small, valid catalog pieces that tests bend into invalid ones.</summary>
internal static class CatalogJson
{
    public const string Backends = """ "backends": { "legacy": { "baseUrl": "http://127.0.0.1:5030", "title": "tasks" } } """;

    public const string GetTaskTool = """
        {
          "name": "get_task", "description": "Get a task.",
          "inputSchema": { "type": "object", "properties": { "id": { "type": "string" } }, "required": ["id"] },
          "scopes": ["tasks:read"],
          "call": { "backend": "legacy", "method": "GET", "path": "/api/tasks/{id}" }
        }
        """;

    public const string ListTasksTool = """
        {
          "name": "list_tasks", "description": "List tasks.",
          "inputSchema": { "type": "object", "properties": { "status": { "type": "string", "enum": ["open", "in_progress", "done"] } } },
          "scopes": ["tasks:read"],
          "call": { "backend": "legacy", "method": "GET", "path": "/api/tasks", "query": ["status"] }
        }
        """;

    /// <summary>A catalog with the backend, the given tools and any extra root sections (each starting with a comma).</summary>
    public static string With(string tools, string extra = "") => $$"""
        { {{Backends}}, "tools": [ {{tools}} ] {{extra}} }
        """;

    /// <summary>A tool entry with the usual fields; each part is raw JSON.</summary>
    public static string Tool(
        string name = "x",
        string inputSchema = """{ "type": "object", "properties": { "id": { "type": "string" } }, "required": ["id"] }""",
        string call = """{ "backend": "legacy", "method": "GET", "path": "/api/tasks/{id}" }""",
        string scopes = """["tasks:read"]""",
        string extra = "") => $$"""
        { "name": "{{name}}", "description": "A tool.", "inputSchema": {{inputSchema}}, "scopes": {{scopes}}, "call": {{call}} {{extra}} }
        """;
}
