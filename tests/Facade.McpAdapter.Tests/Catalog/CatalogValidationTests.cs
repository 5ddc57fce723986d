using Facade.McpAdapter.Catalog;
using static Facade.McpAdapter.Tests.Catalog.CatalogJson;

namespace Facade.McpAdapter.Tests.Catalog;

/// <summary>Every validation rule: the catalog is rejected with one message that names the entry and the problem.</summary>
public sealed class CatalogValidationTests : IDisposable
{
    private readonly CatalogTestFiles _files = new();

    private const string Resource = """{ "uri": "facade://organizations", "name": "organizations", "scopes": ["organizations:read"], "call": { "method": "GET", "path": "/api/organizations" } }""";

    private const string Template = """{ "uriTemplate": "facade://tasks/{id}", "name": "task", "scopes": ["tasks:read"], "call": { "method": "GET", "path": "/api/tasks/{id}" } }""";

    private const string Prompt = """{ "name": "plan", "description": "Plan.", "arguments": [{ "name": "organization" }], "template": "Plan {{organization}}." }""";

    public static TheoryData<string, string, string> Cases => new()
    {
        // Tools
        { "unknown scope", With(Tool("create_task", scopes: """["tasks:admin"]""")), "tools[0] 'create_task': scope 'tasks:admin' is not a known scope" },
        { "duplicate name", With($"{GetTaskTool}, {GetTaskTool}"), "tools[1]: duplicate name 'get_task' (already defined by tools[0])" },
        { "path variable not in properties", With(Tool("x", inputSchema: """{ "type": "object", "properties": {} }""")), "tools[0] 'x': path template variable {id} is not in inputSchema.properties" },
        { "path variable optional", With(Tool("x", inputSchema: """{ "type": "object", "properties": { "id": { "type": "string" } } }""")), "tools[0] 'x': path template variable {id} must be listed in inputSchema.required" },
        { "invalid schema keyword", With(Tool("x", inputSchema: """{ "type": "object", "properties": { "id": { "type": "text" } }, "required": ["id"] }""")), "tools[0] 'x': inputSchema is not a valid JSON schema" },
        { "schema fails meta-schema", With(Tool("x", inputSchema: """{ "type": "object", "properties": { "id": { "type": "string" } }, "required": ["id", "id"] }""")), "tools[0] 'x': inputSchema is not a valid JSON schema" },
        { "schema not an object schema", With(Tool("x", inputSchema: """{ "type": "array" }""", call: """{ "backend": "legacy", "method": "GET", "path": "/api/tasks" }""")), "tools[0] 'x': inputSchema must have \"type\": \"object\"" },
        { "schema not JSON object", With(Tool("x", inputSchema: "true", call: """{ "backend": "legacy", "method": "GET", "path": "/api/tasks" }""")), "tools[0] 'x': inputSchema must be a JSON object" },
        { "required not in properties", With(Tool("x", inputSchema: """{ "type": "object", "properties": { "id": { "type": "string" } }, "required": ["id", "ghost"] }""")), "tools[0] 'x': inputSchema required lists 'ghost', which is not in properties" },
        { "dangling $ref", With(Tool("x", inputSchema: """{ "type": "object", "properties": { "id": { "$ref": "#/$defs/missing" } }, "required": ["id"] }""")), "tools[0] 'x': inputSchema $ref '#/$defs/missing' does not point at anything in the schema" },
        { "remote $ref", With(Tool("x", inputSchema: """{ "type": "object", "properties": { "id": { "$ref": "https://example.com/id.json" } }, "required": ["id"] }""")), "tools[0] 'x': inputSchema $ref 'https://example.com/id.json' is not local" },
        { "output schema not object", With(Tool("x", extra: """, "outputSchema": { "type": "array" }""")), "tools[0] 'x': outputSchema must have \"type\": \"object\"" },
        { "unknown backend", With(Tool("x", call: """{ "backend": "nope", "method": "GET", "path": "/api/tasks/{id}" }""")), "tools[0] 'x': call.backend 'nope' is not a known backend (known: legacy)" },
        { "bad method", With(Tool("x", call: """{ "backend": "legacy", "method": "FETCH", "path": "/api/tasks/{id}" }""")), "tools[0] 'x': call.method 'FETCH' is not supported (use GET, POST, PUT, PATCH or DELETE)" },
        { "missing method", With(Tool("x", call: """{ "backend": "legacy", "path": "/api/tasks/{id}" }""")), "tools[0] 'x': call.method is required" },
        { "missing call", With("""{ "name": "x", "description": "d", "scopes": [] }"""), "tools[0] 'x': call is required" },
        { "relative path", With(Tool("x", call: """{ "backend": "legacy", "method": "GET", "path": "api/tasks" }""")), "tools[0] 'x': path 'api/tasks' must start with '/'" },
        { "unclosed path variable", With(Tool("x", call: """{ "backend": "legacy", "method": "GET", "path": "/api/tasks/{id" }""")), "tools[0] 'x': path '/api/tasks/{id' has an unclosed '{'" },
        { "variable in fixed query", With(Tool("x", call: """{ "backend": "legacy", "method": "GET", "path": "/api/tasks?id={id}" }""")), "tools[0] 'x': path '/api/tasks?id={id}': variables are only allowed before '?'" },
        { "bad tool name", With(Tool("bad name!")), "tools[0] 'bad name!': name 'bad name!' is not a valid MCP tool name" },
        { "tool name too long", With(Tool(new string('a', 65))), $"name '{new string('a', 65)}' is not a valid MCP tool name (1-64 characters" },
        { "missing description", With("""{ "name": "x", "scopes": [], "call": { "method": "GET", "path": "/api/tasks" } }"""), "tools[0] 'x': description is required" },
        { "missing scopes", With("""{ "name": "x", "description": "d", "call": { "method": "GET", "path": "/api/tasks" } }"""), "tools[0] 'x': scopes is required (use [] when any signed-in caller may use it)" },
        { "missing name", With("""{ "description": "d", "scopes": [], "call": { "method": "GET", "path": "/api/tasks" } }"""), "tools[0]: name is required" },
        { "typo in property", With(Tool("x", extra: """, "scope": ["tasks:read"]""")), "tools[0] 'x': unknown property 'scope'" },
        { "typo in call", With(Tool("x", call: """{ "backend": "legacy", "method": "GET", "path": "/api/tasks/{id}", "querry": ["id"] }""")), "tools[0] 'x': unknown property 'call.querry'" },
        { "query maps unknown argument", With(Tool("x", call: """{ "backend": "legacy", "method": "GET", "path": "/api/tasks/{id}", "query": { "status": "state" } }""")), "tools[0] 'x': query parameter 'status' maps argument 'state', which is not in inputSchema.properties" },
        { "query wrong shape", With(Tool("x", call: """{ "backend": "legacy", "method": "GET", "path": "/api/tasks/{id}", "query": "id" }""")), "tools[0] 'x': call.query must be an object of name → argument, or an array of argument names" },
        { "body map unknown argument", With(Tool("x", call: """{ "backend": "legacy", "method": "POST", "path": "/api/tasks/{id}", "body": { "map": { "title": "name" } } }""")), "tools[0] 'x': body property 'title' maps argument 'name', which is not in inputSchema.properties" },
        { "body on GET", With(Tool("x", call: """{ "backend": "legacy", "method": "GET", "path": "/api/tasks/{id}", "body": "arguments" }""")), "tools[0] 'x': call.body must be \"none\" for a GET request" },
        { "body wrong shape", With(Tool("x", call: """{ "backend": "legacy", "method": "POST", "path": "/api/tasks/{id}", "body": "everything" }""")), "tools[0] 'x': call.body must be \"none\", \"arguments\"" },
        { "bad result selector", With(Tool("x", call: """{ "backend": "legacy", "method": "GET", "path": "/api/tasks/{id}", "result": "data..items" }""")), "tools[0] 'x': call.result: result 'data..items' must be \"$\" or a dotted path" },
        { "forbidden header", With(Tool("x", call: """{ "backend": "legacy", "method": "GET", "path": "/api/tasks/{id}", "headers": { "Authorization": "id" } }""")), "tools[0] 'x': call.headers: header 'Authorization' may not be set by a tool" },
        { "identity header", With(Tool("x", call: """{ "backend": "legacy", "method": "GET", "path": "/api/tasks/{id}", "headers": { "X-Facade-Subject": "id" } }""")), "header 'X-Facade-Subject' may not be set by a tool" },
        { "contradictory hints", With(Tool("x", extra: """, "annotations": { "readOnlyHint": true, "destructiveHint": true }""")), "tools[0] 'x': annotations cannot be both readOnlyHint and destructiveHint" },
        { "hint not boolean", With(Tool("x", extra: """, "annotations": { "readOnlyHint": "yes" }""")), "tools[0] 'x': annotations.readOnlyHint must be true or false" },
        { "tools not array", """{ "backends": { "legacy": "http://127.0.0.1:5030" }, "tools": {} }""", "catalog: tools must be an array" },
        { "tool not object", With("42"), "tools[0]: must be a JSON object" },

        // Backends
        { "backend bad url", """{ "backends": { "legacy": { "baseUrl": "ftp://files" } } }""", "backends.legacy: baseUrl 'ftp://files' must be an absolute http(s) URL" },
        { "backend no url", """{ "backends": { "legacy": { "title": "tasks" } } }""", "backends.legacy: no base URL (set backends.legacy.baseUrl in the catalog or Adapter:Backends:legacy in configuration)" },
        { "backend bad timeout", """{ "backends": { "legacy": { "baseUrl": "http://x", "timeoutSeconds": 0 } } }""", "backends.legacy: timeoutSeconds must be between 0 and 600" },
        { "backend needed", """{ "tools": [ { "name": "x", "description": "d", "scopes": [], "call": { "method": "GET", "path": "/x" } } ] }""", "tools[0] 'x': call.backend is required when the catalog has no backends" },

        // Resources and templates
        { "resource uri with variable", With(GetTaskTool, """, "resources": [ { "uri": "facade://tasks/{id}", "name": "t", "scopes": [], "call": { "method": "GET", "path": "/api/tasks" } } ]"""), "resources[0] 't': uri 'facade://tasks/{id}' must be an absolute URI without variables" },
        { "resource not GET", With(GetTaskTool, """, "resources": [ { "uri": "facade://x", "name": "x", "scopes": [], "call": { "method": "POST", "path": "/api/tasks" } } ]"""), "resources[0] 'x': call.method 'POST' must be GET: resources are read-only" },
        { "resource unknown scope", With(GetTaskTool, """, "resources": [ { "uri": "facade://x", "name": "x", "scopes": ["tasks:everything"], "call": { "method": "GET", "path": "/api/tasks" } } ]"""), "resources[0] 'x': scope 'tasks:everything' is not a known scope" },
        { "resource path variable", With(GetTaskTool, """, "resources": [ { "uri": "facade://x", "name": "x", "scopes": [], "call": { "method": "GET", "path": "/api/tasks/{id}" } } ]"""), "resources[0] 'x': path template variable {id} is not available (a fixed resource has no arguments)" },
        { "template variable mismatch", With(GetTaskTool, """, "resourceTemplates": [ { "uriTemplate": "facade://tasks/{taskId}", "name": "task", "scopes": [], "call": { "method": "GET", "path": "/api/tasks/{id}" } } ]"""), "resourceTemplates[0] 'task': path template variable {id} is not a variable of uriTemplate 'facade://tasks/{taskId}'" },
        { "template without variables", With(GetTaskTool, """, "resourceTemplates": [ { "uriTemplate": "facade://tasks", "name": "tasks", "scopes": [], "call": { "method": "GET", "path": "/api/tasks" } } ]"""), "resourceTemplates[0] 'tasks': uriTemplate 'facade://tasks' has no {variable}" },
        { "template operator", With(GetTaskTool, """, "resourceTemplates": [ { "uriTemplate": "facade://tasks/{+path}", "name": "t", "scopes": [], "call": { "method": "GET", "path": "/api/tasks" } } ]"""), "resourceTemplates[0] 't': uriTemplate 'facade://tasks/{+path}' has an invalid variable name '{+path}' (only simple variables such as {id} are supported)" },
        { "duplicate resource uri", With(GetTaskTool, $$""", "resources": [ {{Resource}}, { "uri": "facade://organizations", "name": "orgs", "scopes": [], "call": { "method": "GET", "path": "/api/organizations" } } ]"""), "resources: duplicate uri 'facade://organizations'" },
        { "duplicate resource name", With(GetTaskTool, $$""", "resources": [ {{Resource}} ], "resourceTemplates": [ { "uriTemplate": "facade://orgs/{id}", "name": "organizations", "scopes": [], "call": { "method": "GET", "path": "/api/organizations" } } ]"""), "resources/resourceTemplates: duplicate name 'organizations'" },

        // Prompts
        { "prompt undeclared placeholder", With(GetTaskTool, """, "prompts": [ { "name": "p", "description": "d", "template": "Plan {{org}}." } ]"""), "prompts[0] 'p': template uses {{org}}, which is not a declared argument" },
        { "prompt unclosed section", With(GetTaskTool, """, "prompts": [ { "name": "p", "description": "d", "arguments": [{ "name": "org" }], "template": "Plan {{#org}}for {{org}}." } ]"""), "prompts[0] 'p': template does not close section '{{#org}}'" },
        { "prompt unclosed placeholder", With(GetTaskTool, """, "prompts": [ { "name": "p", "description": "d", "template": "Plan {{org" } ]"""), "prompts[0] 'p': template has an unclosed '{{'" },
        { "prompt duplicate argument", With(GetTaskTool, """, "prompts": [ { "name": "p", "description": "d", "arguments": [{ "name": "a" }, { "name": "a" }], "template": "x" } ]"""), "prompts[0] 'p': duplicate argument 'a'" },
        { "prompt argument typo", With(GetTaskTool, """, "prompts": [ { "name": "p", "description": "d", "arguments": [{ "name": "a", "optional": true }], "template": "x" } ]"""), "prompts[0] 'p': unknown property 'arguments[0].optional'" },
        { "prompt missing template", With(GetTaskTool, """, "prompts": [ { "name": "p", "description": "d" } ]"""), "prompts[0] 'p': template is required" },
        { "duplicate prompt", With(GetTaskTool, $$""", "prompts": [ {{Prompt}}, {{Prompt}} ]"""), "prompts: duplicate name 'plan'" },

        // Agents
        { "agent unknown tool", With(GetTaskTool, """, "agents": { "planner": { "description": "d", "tools": ["get_task", "nope"], "allowedUsers": ["demo"] } }"""), "agents.planner: tools: unknown tool 'nope'" },
        { "agent unknown prompt", With(GetTaskTool, """, "agents": { "planner": { "description": "d", "prompts": ["nope"], "allowedUsers": ["demo"] } }"""), "agents.planner: prompts: unknown prompt 'nope'" },
        { "agent unknown resource", With(GetTaskTool, """, "agents": { "planner": { "description": "d", "resources": ["nope"], "allowedUsers": ["demo"] } }"""), "agents.planner: resources: unknown resource or resource template 'nope'" },
        { "agent own tool clashes", With(GetTaskTool, $$""", "agents": { "planner": { "description": "d", "tools": ["get_task"], "ownTools": [ {{GetTaskTool}} ], "allowedUsers": ["demo"] } }"""), "agents.planner.ownTools[0]: duplicate name 'get_task' (already in agents.planner.tools)" },
        { "agent own tool invalid", With(GetTaskTool, $$""", "agents": { "planner": { "description": "d", "ownTools": [ {{Tool("mine", scopes: """["tasks:admin"]""")}} ], "allowedUsers": ["demo"] } }"""), "agents.planner.ownTools[0] 'mine': scope 'tasks:admin' is not a known scope" },
        { "agent no users", With(GetTaskTool, """, "agents": { "planner": { "description": "d", "allowedUsers": [] } }"""), "agents.planner: allowedUsers must list at least one username or subject, or \"*\" for every signed-in user" },
        { "agent missing users", With(GetTaskTool, """, "agents": { "planner": { "description": "d" } }"""), "agents.planner: allowedUsers is required" },
        { "agent bad id", With(GetTaskTool, """, "agents": { "plan ner": { "description": "d", "allowedUsers": ["*"] } }"""), "agents.plan ner: agent ids may only use letters, digits, '_' and '-'" },
        { "agent tool twice", With(GetTaskTool, """, "agents": { "planner": { "description": "d", "tools": ["get_task", "get_task"], "allowedUsers": ["*"] } }"""), "agents.planner: tools: 'get_task' is listed twice" },

        // Root
        { "unknown root property", With(GetTaskTool, """, "tool": [] """), "catalog: unknown property 'tool'" },
        { "root not object", "[]", "catalog: must be a JSON object" },
        { "invalid JSON", """{ "tools": [ """, "test-catalog.json: not valid JSON (line" },
        { "missing import", With(GetTaskTool, """, "openapi": [ { "document": "missing.json", "backend": "legacy" } ]"""), "openapi[0] 'missing.json': document '" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void InvalidCatalog_IsRejected_WithOneMessageNamingTheEntry(string rule, string json, string expected)
    {
        var errors = _files.Errors(json);
        var error = Assert.Single(errors);
        Assert.True(error.Contains(expected, StringComparison.Ordinal), $"{rule}: expected '{expected}' in '{error}'");
    }

    [Fact]
    public void AllErrors_AreReportedAtOnce_InOneException()
    {
        var json = With(
            string.Join(", ", GetTaskTool, GetTaskTool, Tool("create_task", scopes: """["tasks:admin"]"""), Tool("x", inputSchema: """{ "type": "object", "properties": {} }""")),
            """, "agents": { "planner": { "description": "d", "tools": ["nope"], "allowedUsers": ["demo"] } }""");

        var exception = Assert.Throws<CatalogValidationException>(() => _files.Parse(json));

        Assert.Equal(
            [
                "tools[1]: duplicate name 'get_task' (already defined by tools[0])",
                "tools[2] 'create_task': scope 'tasks:admin' is not a known scope (known: organizations:read tasks:read tasks:write devices:read devices:write telemetry:read commands:write rules:read rules:write agents:invoke keys:write)",
                "tools[3] 'x': path template variable {id} is not in inputSchema.properties",
                "agents.planner: tools: unknown tool 'nope'",
            ],
            exception.Errors);
        Assert.StartsWith("The tool catalog 'test-catalog.json' is invalid (4 errors):", exception.Message, StringComparison.Ordinal);
        Assert.All(exception.Errors, e => Assert.Contains(e, exception.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void OneEntry_WithSeveralProblems_ReportsEachOfThem()
    {
        var json = With("""
            { "name": "bad name", "description": "", "scopes": ["nope"], "inputSchema": { "type": "object", "properties": {} },
              "call": { "backend": "ghost", "method": "FETCH", "path": "/api/{id}", "result": "a..b" } }
            """);

        var errors = _files.Errors(json);

        Assert.Contains("tools[0] 'bad name': name 'bad name' is not a valid MCP tool name (1-64 characters: letters, digits, '_', '-', '.')", errors);
        Assert.Contains("tools[0] 'bad name': description must be a non-empty string", errors);
        Assert.Contains(errors, e => e.StartsWith("tools[0] 'bad name': scope 'nope' is not a known scope", StringComparison.Ordinal));
        Assert.Contains("tools[0] 'bad name': call.backend 'ghost' is not a known backend (known: legacy)", errors);
        Assert.Contains("tools[0] 'bad name': call.method 'FETCH' is not supported (use GET, POST, PUT, PATCH or DELETE)", errors);
        Assert.Contains("tools[0] 'bad name': path template variable {id} is not in inputSchema.properties", errors);
        Assert.Contains(errors, e => e.StartsWith("tools[0] 'bad name': call.result", StringComparison.Ordinal));
    }

    [Fact]
    public void ConfigurationOverride_CanSupplyAMissingBaseUrl_OrReplaceABadOne()
    {
        var catalog = _files.Parse(
            """{ "backends": { "legacy": { "title": "tasks", "baseUrl": "not a url" } }, "tools": [ """ + GetTaskTool + " ] }",
            new Dictionary<string, string> { ["legacy"] = "http://127.0.0.1:41234/prefix/" });
        Assert.Equal("http://127.0.0.1:41234/prefix/", catalog.Backends["legacy"].BaseUri.AbsoluteUri);
        Assert.Equal("tasks", catalog.Backends["legacy"].Title);

        var errors = _files.Errors(
            With(GetTaskTool),
            new Dictionary<string, string> { ["legacy"] = "localhost:5030" });
        Assert.Equal("backends.legacy: Adapter:Backends:legacy 'localhost:5030' must be an absolute http(s) URL without query, fragment or credentials", Assert.Single(errors));
    }

    [Fact]
    public void SingleBackend_MayBeLeftOutOfCalls_AndCommentsAreAllowed()
    {
        var catalog = _files.Parse("""
            // The catalog may carry comments and trailing commas.
            {
              "backends": { "legacy": "http://127.0.0.1:5030" },
              "tools": [ { "name": "x", "description": "d", "scopes": [], "call": { "method": "get", "path": "/api/organizations" } }, ],
            }
            """);
        Assert.True(catalog.TryGetTool("x", out var tool));
        Assert.Equal("legacy", tool.Call.Backend.Name);
        Assert.Equal(HttpMethod.Get, tool.Call.Method);
        Assert.Equal("object", tool.InputSchema.GetProperty("type").GetString());
        Assert.Empty(tool.Scopes);
    }

    public void Dispose() => _files.Dispose();
}
