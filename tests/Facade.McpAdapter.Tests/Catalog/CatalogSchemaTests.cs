using System.Text.Json;
using Facade.McpAdapter.Catalog;
using Facade.McpAdapter.Catalog.Format;
using Json.Schema;
using static Facade.McpAdapter.Tests.Catalog.CatalogJson;

namespace Facade.McpAdapter.Tests.Catalog;

/// <summary>
/// The catalog format is catalog/catalog.schema.json: the loader checks every file against it, and each schema-level
/// problem (unknown property, wrong type, missing property, bad value) names the entry and the path inside it.
/// </summary>
public sealed class CatalogSchemaTests : IDisposable
{
    private readonly CatalogTestFiles _files = new();

    private const string Planner = """ "agents": { "planner": { "description": "d", "allowedUsers": ["demo"], "ownTools": [ """;

    public static TheoryData<string, string, string> SchemaErrors => new()
    {
        // Unknown properties, at any depth.
        { "unknown property in an agent's own tool", With(GetTaskTool, $$""", {{Planner}} {{Tool("mine", call: """{ "method": "GET", "path": "/api/tasks/{id}", "querry": [] }""")}} ] } }"""), "agents.planner.ownTools[0] 'mine': unknown property 'call.querry'" },
        { "unknown property in a prompt argument", With(GetTaskTool, """, "prompts": [ { "name": "p", "description": "d", "arguments": [ { "name": "a", "requried": true } ], "template": "{{a}}" } ]"""), "prompts[0] 'p': unknown property 'arguments[0].requried'" },
        { "unknown property in a backend", """{ "backends": { "legacy": { "baseUrl": "http://127.0.0.1:5030", "timeout": 5 } } }""", "backends.legacy: unknown property 'timeout'" },
        { "unknown property in an import", With(GetTaskTool, """, "openapi": [ { "document": "x.json", "prefix": "x_" } ]"""), "openapi[0] 'x.json': unknown property 'prefix'" },

        // Wrong types.
        { "path not a string", With(Tool("x", call: """{ "method": "GET", "path": 5 }""")), "tools[0] 'x': call.path must be a non-empty string" },
        { "flag not a boolean", With(Tool("x", extra: """, "inDefaultServer": "yes" """)), "tools[0] 'x': inDefaultServer must be true or false" },
        { "prompt argument flag not a boolean", With(GetTaskTool, """, "prompts": [ { "name": "p", "description": "d", "arguments": [ { "name": "a", "required": "yes" } ], "template": "{{a}}" } ]"""), "prompts[0] 'p': arguments[0].required must be true or false" },
        { "scopes not an array", With(Tool("x", scopes: "\"tasks:read\"")), "tools[0] 'x': scopes must be an array of non-empty strings" },
        { "agents not an object", With(GetTaskTool, """, "agents": [] """), "catalog: agents must be a JSON object" },
        { "backend neither URL nor object", """{ "backends": { "legacy": 5030 } }""", "backends.legacy: must be a string or a JSON object" },
        { "timeout as text", """{ "backends": { "legacy": { "baseUrl": "http://127.0.0.1:5030", "timeoutSeconds": "15" } } }""", "backends.legacy: timeoutSeconds must be between 0 and 600" },
        { "null in a list of names", With(GetTaskTool, """, "agents": { "planner": { "description": "d", "allowedUsers": ["demo"], "tools": [null] } }"""), "agents.planner: tools must be an array of non-empty strings" },
        { "null prompt argument", With(GetTaskTool, """, "prompts": [ { "name": "p", "description": "d", "arguments": [null], "template": "x" } ]"""), "prompts[0] 'p': arguments[0] must be a JSON object" },
        { "null users", With(GetTaskTool, """, "agents": { "planner": { "description": "d", "allowedUsers": [null] } }"""), "agents.planner: allowedUsers must list at least one username or subject" },
        { "description neither text nor lines", With(GetTaskTool, """, "description": 5 """), "catalog: description must be a string or an array of strings" },

        // Missing required properties.
        { "template call without path", With(GetTaskTool, """, "resourceTemplates": [ { "uriTemplate": "facade://tasks/{id}", "name": "t", "scopes": [], "call": { "method": "GET" } } ]"""), "resourceTemplates[0] 't': call.path is required" },
        { "agent's own prompt without template", With(GetTaskTool, """, "agents": { "planner": { "description": "d", "allowedUsers": ["demo"], "ownPrompts": [ { "name": "p", "description": "d" } ] } }"""), "agents.planner.ownPrompts[0] 'p': template is required" },
        { "import without document", With(GetTaskTool, """, "openapi": [ { "backend": "legacy" } ]"""), "openapi[0]: document is required" },
        { "resource scopes", With(GetTaskTool, """, "resources": [ { "uri": "facade://x", "name": "x", "call": { "method": "GET", "path": "/x" } } ]"""), "resources[0] 'x': scopes is required (use [] when any signed-in caller may read it)" },

        // Values the schema constrains.
        { "backend name", """{ "backends": { "leg acy": "http://127.0.0.1:5030" } }""", "backends.leg acy: backend names may only use letters, digits, '_' and '-' (1-64 characters)" },
        { "resource name", With(GetTaskTool, """, "resources": [ { "uri": "facade://x", "name": "a b", "scopes": [], "call": { "method": "GET", "path": "/x" } } ]"""), "resources[0] 'a b': name 'a b' may only use letters, digits, '_', '-' and '.' (1-64 characters)" },
        { "lower-case method is fine, mixed case is not", With(Tool("x", call: """{ "method": "Get", "path": "/api/tasks/{id}" }""")), "tools[0] 'x': call.method 'Get' is not supported (use GET, POST, PUT, PATCH or DELETE)" },
    };

    [Theory]
    [MemberData(nameof(SchemaErrors))]
    public void SchemaError_IsReported_NamingTheEntryAndThePath(string rule, string json, string expected)
    {
        var errors = _files.Errors(json);

        Assert.True(errors.Any(e => e.StartsWith(expected, StringComparison.Ordinal)), $"{rule}: expected '{expected}' in [{string.Join(" | ", errors)}]");
    }

    [Fact]
    public void SchemaAndReferenceErrors_OfSeveralEntries_AreReportedTogether()
    {
        var json = With(
            string.Join(", ", Tool("x", extra: """, "inDefaultServer": "yes" """), Tool("y", scopes: """["tasks:admin"]""")),
            """, "agents": { "planner": { "description": "d", "tools": ["nope"], "allowedUsers": ["demo"], "colour": "red" } }""");

        var errors = _files.Errors(json);

        Assert.Equal(
            [
                "tools[0] 'x': inDefaultServer must be true or false",
                "agents.planner: unknown property 'colour'",
                $"tools[1] 'y': scope 'tasks:admin' is not a known scope (known: {string.Join(" ", Facade.Common.ScopeCatalog.Api)})",
                "agents.planner: tools: unknown tool 'nope'",
            ],
            errors);
    }

    [Fact]
    public void ShippedCatalog_PointsEditorsAtTheSchema_TheLoaderUses()
    {
        var directory = CatalogTestFiles.ShippedCatalogDirectory;
        using var catalog = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "catalog.json")), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        Assert.Equal("./catalog.schema.json", catalog.RootElement.GetProperty("$schema").GetString());

        using var onDisk = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "catalog.schema.json")));
        Assert.True(JsonElement.DeepEquals(onDisk.RootElement, CatalogSchema.Text), "the embedded schema is the file in mcp-adapter/catalog");
        Assert.True(MetaSchemas.Draft202012.Evaluate(onDisk.RootElement).IsValid, "catalog.schema.json is a valid JSON Schema 2020-12");
    }

    [Fact]
    public void EveryPropertyOfTheFormat_HasADescription_ForEditors()
    {
        var schema = CatalogSchema.Text;
        var undescribed = new List<string>();
        Walk(schema, "#");
        Assert.Empty(undescribed);

        void Walk(JsonElement node, string path)
        {
            if (node.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var item in node.EnumerateArray())
                {
                    Walk(item, $"{path}/{i++}");
                }
            }

            if (node.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            foreach (var keyword in node.EnumerateObject().Where(k => k.Name != "not"))
            {
                if (keyword.Name == "properties")
                {
                    undescribed.AddRange(keyword.Value.EnumerateObject().Where(p => !Described(p.Value)).Select(p => $"{path}/properties/{p.Name}"));
                }

                Walk(keyword.Value, $"{path}/{keyword.Name}");
            }
        }

        bool Described(JsonElement property) =>
            property.TryGetProperty("description", out _)
            || (property.TryGetProperty("$ref", out var reference) && Described(Json.Pointer.JsonPointer.Parse(reference.GetString()![1..]).Evaluate(schema)!.Value));
    }

    public void Dispose() => _files.Dispose();
}
