using System.Text.Json;
using Facade.McpAdapter.Backend;
using Facade.McpAdapter.Catalog;

namespace Facade.McpAdapter.Tests.Catalog;

public sealed class OpenApiImportTests : IDisposable
{
    private readonly CatalogTestFiles _files = new();

    private const string FleetBackend = """ "backends": { "fleet": { "baseUrl": "http://127.0.0.1:5020", "title": "device" } } """;

    [Fact]
    public void YamlDocument_EveryOperationBecomesATool()
    {
        var catalog = ImportFleet();

        Assert.Equal(FleetOpenApi.OperationCount, catalog.Tools.Count);
        Assert.All(catalog.Tools, t => Assert.StartsWith("fleet_", t.Name, StringComparison.Ordinal));
        Assert.All(catalog.Tools, t => Assert.Equal("object", t.InputSchema.GetProperty("type").GetString()));
        Assert.All(catalog.Tools, t => Assert.Matches("^[a-zA-Z0-9_.-]{1,64}$", t.Name));
        Assert.Equal(
            ["DELETE", "GET", "PATCH", "POST", "PUT"],
            catalog.Tools.Select(t => t.Call.Method.Method).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void QueryAndHeaderParameters_MapToArguments_WithReferencedSchemasInlined()
    {
        var tool = Tool(ImportFleet(), "fleet_listDevices");
        var properties = tool.InputSchema.GetProperty("properties");

        Assert.Equal(["status", "tag", "limit", "X-Request-Id"], properties.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["online", "offline", "maintenance"], properties.GetProperty("status").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("Only devices in this state.", properties.GetProperty("status").GetProperty("description").GetString());
        Assert.Equal(100, properties.GetProperty("limit").GetProperty("maximum").GetInt32());
        Assert.Equal("Page size.", properties.GetProperty("limit").GetProperty("description").GetString());
        Assert.Equal("array", properties.GetProperty("tag").GetProperty("type").GetString());
        Assert.False(tool.InputSchema.GetProperty("additionalProperties").GetBoolean());

        Assert.Equal(["status", "tag", "limit"], tool.Call.Query.Select(q => q.Name));
        Assert.Equal(["X-Request-Id"], tool.Call.Headers.Select(h => h.Name));
        Assert.Equal(BodyKind.None, tool.Call.Body.Kind);
        Assert.Equal(["devices:read"], tool.Scopes);
        Assert.Equal("List devices", tool.Title);
        Assert.Equal("List devices\n\nDevices visible to the caller.", tool.Description);
        Assert.True(tool.Annotations.ReadOnly);
        Assert.DoesNotContain("$ref", tool.InputSchema.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void PathParameters_FromPathItemAndComponents_AreRequired()
    {
        var tool = Tool(ImportFleet(), "fleet_getCommand");
        Assert.Equal(["deviceId", "commandId"], tool.Call.Path.Variables);
        Assert.Equal(["deviceId", "commandId"], Required(tool).Order(StringComparer.Ordinal).Reverse());
        Assert.Equal("^dev-[0-9]+$", tool.InputSchema.GetProperty("properties").GetProperty("deviceId").GetProperty("pattern").GetString());
        Assert.Equal("/devices/{deviceId}/commands/{commandId}", tool.Call.Path.Text);
    }

    [Fact]
    public void ObjectBody_IsFlattened_ReadOnlyDropped_RefsInlined_OpenApiKeywordsRemoved()
    {
        var tool = Tool(ImportFleet(), "fleet_registerDevice");
        var properties = tool.InputSchema.GetProperty("properties");

        Assert.Equal(["name", "model", "tags", "location"], properties.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["name", "model"], Required(tool));
        Assert.Equal(BodyKind.Arguments, tool.Call.Body.Kind);
        Assert.Equal(["devices:write"], tool.Scopes);
        Assert.Equal(-90, properties.GetProperty("location").GetProperty("properties").GetProperty("lat").GetProperty("minimum").GetInt32());
        var text = tool.InputSchema.GetRawText();
        Assert.DoesNotContain("x-internal", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"example\"", text, StringComparison.Ordinal);
        Assert.False(tool.Annotations.ReadOnly);
        Assert.False(tool.Annotations.Idempotent);
    }

    [Fact]
    public void OptionalBody_IsFlattenedWithoutRequiredFields_AndNullableBecomesATypeList()
    {
        var tool = Tool(ImportFleet(), "fleet_updateDevice");
        Assert.Equal(["deviceId"], Required(tool));
        var location = tool.InputSchema.GetProperty("properties").GetProperty("location").GetProperty("type");
        Assert.Equal(["null", "string"], location.EnumerateArray().Select(t => t.GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void NonFlattenableBodies_GoUnderBody()
    {
        var catalog = ImportFleet();

        var shadow = Tool(catalog, "fleet_setDesiredShadow");
        Assert.Equal(BodyKind.Argument, shadow.Call.Body.Kind);
        Assert.Equal("body", shadow.Call.Body.Argument);
        Assert.Equal("The desired state document.", shadow.InputSchema.GetProperty("properties").GetProperty("body").GetProperty("description").GetString());
        Assert.Equal(["deviceId", "body"], Required(shadow));

        var batch = Tool(catalog, "fleet_sendBatchCommands");
        Assert.Equal("array", batch.InputSchema.GetProperty("properties").GetProperty("body").GetProperty("type").GetString());
        Assert.Equal(BodyKind.Argument, batch.Call.Body.Kind);

        var query = Tool(catalog, "fleet_queryTelemetry");
        Assert.Equal(2, query.InputSchema.GetProperty("properties").GetProperty("body").GetProperty("allOf").GetArrayLength());
        Assert.Equal(["telemetry:read"], query.Scopes);
    }

    [Fact]
    public void RecursiveSchemas_UseDefs()
    {
        var tool = Tool(ImportFleet(), "fleet_createRule");
        var condition = tool.InputSchema.GetProperty("properties").GetProperty("condition");
        Assert.Equal("#/$defs/Condition", condition.GetProperty("properties").GetProperty("all").GetProperty("items").GetProperty("$ref").GetString());
        Assert.True(tool.InputSchema.GetProperty("$defs").TryGetProperty("Condition", out _));

        var valid = ArgumentValidator.Validate(tool, Json("""{ "name": "hot", "condition": { "all": [ { "metric": "temperature", "above": 30 }, { "all": [] } ] } }"""));
        Assert.Empty(valid);
        var invalid = ArgumentValidator.Validate(tool, Json("""{ "name": "hot", "severity": "fatal", "condition": { "all": [ { "above": "hot" } ] } }"""));
        Assert.Contains("'severity' must be one of: info, warning, critical", invalid);
        Assert.Contains("'condition.all[0].above' must be a number", invalid);
    }

    [Fact]
    public void Scopes_ComeFromXScopes_ThenOperationSecurity_ThenTheDocument()
    {
        var catalog = ImportFleet();
        Assert.Equal(["commands:write", "devices:read"], Tool(catalog, "fleet_sendCommand").Scopes);
        Assert.Equal(["rules:write"], Tool(catalog, "fleet_updateRule").Scopes);
        Assert.Equal(["rules:read", "telemetry:read"], Tool(catalog, "fleet_testRule").Scopes);
        Assert.Equal(["devices:read"], Tool(catalog, "fleet_getShadow").Scopes);
        Assert.Empty(Tool(catalog, "fleet_listAgents").Scopes);
        Assert.Empty(Tool(catalog, "fleet_health").Scopes);
        Assert.Equal(["agents:invoke"], Tool(catalog, "fleet_invokeAgent").Scopes);
    }

    [Fact]
    public void MissingOperationId_GetsAGeneratedName()
    {
        var catalog = ImportFleet();
        var status = Tool(catalog, "fleet_get_devices_deviceId_status");
        Assert.Equal("Current device status", status.Title);
        var delete = Tool(catalog, "fleet_delete_alerts_alertId");
        Assert.Equal("DELETE /alerts/{alertId}", delete.Description);
        Assert.True(delete.Annotations.Destructive);
        Assert.True(delete.Annotations.Idempotent);
    }

    [Fact]
    public void RequiredHeaderParameter_IsARequiredArgument()
    {
        var tool = Tool(ImportFleet(), "fleet_sendCommand");
        Assert.Contains("Idempotency-Key", Required(tool));
        Assert.Equal(["Idempotency-Key"], tool.Call.Headers.Select(h => h.Name));
        Assert.Contains("'Idempotency-Key' is required", ArgumentValidator.Validate(tool, Json("""{ "deviceId": "dev-1", "name": "reboot" }""")));
    }

    [Fact]
    public void IncludeExclude_AndInDefaultServer_SelectWhatIsExposed()
    {
        _files.Write("fleet.yaml", FleetOpenApi.Yaml);
        var catalog = _files.Parse($$"""
            { {{FleetBackend}},
              "openapi": [
                { "document": "fleet.yaml", "backend": "fleet", "include": ["listDevices", "getDevice", "get_devices_deviceId_status"], "inDefaultServer": false },
                { "document": "fleet.yaml", "backend": "fleet", "namePrefix": "all.", "exclude": ["health"] }
              ] }
            """);

        Assert.Equal(
            ["getDevice", "get_devices_deviceId_status", "listDevices"],
            catalog.Tools.Where(t => !t.Name.StartsWith("all.", StringComparison.Ordinal)).Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Equal(FleetOpenApi.OperationCount - 1, catalog.Default.Tools.Count);
        Assert.All(catalog.Default.Tools, t => Assert.StartsWith("all.", t.Name, StringComparison.Ordinal));
        Assert.False(catalog.TryGetTool("all.health", out _));
    }

    [Fact]
    public void ImportedTools_CanBeListedByAnAgent()
    {
        _files.Write("fleet.yaml", FleetOpenApi.Yaml);
        var catalog = _files.Parse($$"""
            { {{FleetBackend}},
              "openapi": [ { "document": "fleet.yaml", "namePrefix": "fleet_", "inDefaultServer": false } ],
              "agents": { "ops": { "description": "Device operations.", "tools": ["fleet_listDevices", "fleet_sendCommand"], "allowedUsers": ["*"] } } }
            """);

        Assert.Empty(catalog.Default.Tools);
        Assert.Equal(["fleet_listDevices", "fleet_sendCommand"], catalog.Agents["ops"].View.Tools.Select(t => t.Name));
        Assert.True(catalog.Agents["ops"].AllowsUser("anyone"));
    }

    [Fact]
    public void JsonDocument_IsImportedToo()
    {
        File.Copy(Path.Combine(CatalogTestFiles.ShippedCatalogDirectory, "legacy-openapi.json"), Path.Combine(_files.Directory, "legacy.json"));
        var catalog = _files.Parse($$"""{ {{CatalogJson.Backends}}, "openapi": [ { "document": "legacy.json" } ] }""");

        Assert.Equal(["listOrganizations", "listTasks", "createTask", "getTask", "replaceTask", "updateTask"], catalog.Tools.Select(t => t.Name));
        var create = Tool(catalog, "createTask");
        Assert.Equal(["title", "organizationId"], Required(create));
        Assert.Equal(["title", "organizationId", "status", "assignee"], create.InputSchema.GetProperty("properties").EnumerateObject().Select(p => p.Name));
        var replace = Tool(catalog, "replaceTask");
        Assert.True(replace.Annotations.Destructive);
        Assert.Equal(["id", "title", "status", "organizationId"], Required(replace));
    }

    public static TheoryData<string, string, string> BrokenDocuments => new()
    {
        {
            "unknown x-scope",
            Doc("""{ "/things": { "get": { "operationId": "listThings", "x-scopes": ["things:read"], "responses": { "200": { "description": "ok" } } } } }"""),
            "openapi[0] 'doc.json' GET /things (listThings): scope 'things:read' is not a known scope"
        },
        {
            "unknown security scope",
            Doc("""{ "/things": { "get": { "operationId": "listThings", "security": [ { "oauth": ["things:admin"] } ], "responses": { "200": { "description": "ok" } } } } }"""),
            "openapi[0] 'doc.json' GET /things (listThings): scope 'things:admin' is not a known scope"
        },
        {
            "cookie parameter",
            Doc("""{ "/things": { "get": { "operationId": "listThings", "parameters": [ { "name": "session", "in": "cookie", "schema": { "type": "string" } } ], "responses": { "200": { "description": "ok" } } } } }"""),
            "openapi[0] 'doc.json' GET /things (listThings): cookie parameter 'session' is not supported"
        },
        {
            "multipart body",
            Doc("""{ "/things": { "post": { "operationId": "upload", "requestBody": { "content": { "multipart/form-data": { "schema": { "type": "object" } } } }, "responses": { "200": { "description": "ok" } } } } }"""),
            "openapi[0] 'doc.json' POST /things (upload): request body media type multipart/form-data is not supported (only JSON)"
        },
        {
            "dangling schema reference",
            Doc("""{ "/things": { "get": { "operationId": "listThings", "parameters": [ { "name": "kind", "in": "query", "schema": { "$ref": "#/components/schemas/Kind" } } ], "responses": { "200": { "description": "ok" } } } } }"""),
            "openapi[0] 'doc.json' GET /things (listThings): $ref '#/components/schemas/Kind' does not resolve to a schema in components.schemas"
        },
        {
            "name too long",
            Doc($$"""{ "/things": { "get": { "operationId": "{{new string('x', 70)}}", "responses": { "200": { "description": "ok" } } } } }"""),
            "is not a valid MCP tool name"
        },
        {
            "duplicate names after sanitising",
            Doc("""{ "/a": { "get": { "operationId": "get thing", "responses": { "200": { "description": "ok" } } } }, "/b": { "get": { "operationId": "get_thing", "responses": { "200": { "description": "ok" } } } } }"""),
            "openapi[0] 'doc.json' GET /b (get_thing): duplicate name 'get_thing' (already defined by openapi[0] 'doc.json' GET /a (get thing))"
        },
        {
            "swagger 2",
            """{ "swagger": "2.0", "info": { "title": "t", "version": "1" }, "paths": {} }""",
            "openapi[0] 'doc.json': document is Swagger/OpenAPI 2.0; only OpenAPI 3.x is supported"
        },
        {
            "not an OpenAPI document",
            """{ "hello": "world" }""",
            "openapi[0] 'doc.json': document"
        },
        {
            "not JSON",
            """{ "openapi": "3.0.3", """,
            "openapi[0] 'doc.json': document"
        },
    };

    [Theory]
    [MemberData(nameof(BrokenDocuments))]
    public void BrokenDocuments_AreReported_NamingTheOperation(string rule, string document, string expected)
    {
        _files.Write("doc.json", document);
        var errors = _files.Errors($$"""{ {{CatalogJson.Backends}}, "openapi": [ { "document": "doc.json" } ] }""");
        Assert.True(errors.Any(e => e.Contains(expected, StringComparison.Ordinal)), $"{rule}: expected '{expected}' in [{string.Join(" | ", errors)}]");
    }

    [Fact]
    public void ImportEntryProblems_AreReported()
    {
        _files.Write("fleet.yaml", FleetOpenApi.Yaml);
        var errors = _files.Errors($$"""
            { {{FleetBackend}},
              "openapi": [ { "document": "fleet.yaml", "backend": "nope", "include": ["listDevicez"], "prefix": "x" } ] }
            """);

        Assert.Contains("openapi[0] 'fleet.yaml': unknown property 'prefix'", errors);
        Assert.Contains("openapi[0] 'fleet.yaml': backend 'nope' is not a known backend (known: fleet)", errors);
    }

    [Fact]
    public void UnknownIncludedOperation_IsReported()
    {
        _files.Write("fleet.yaml", FleetOpenApi.Yaml);
        var errors = _files.Errors($$"""{ {{FleetBackend}}, "openapi": [ { "document": "fleet.yaml", "include": ["listDevicez"] } ] }""");
        Assert.Equal("openapi[0] 'fleet.yaml': include: 'listDevicez' is not an operationId in the document", Assert.Single(errors));
    }

    [Fact]
    public void InvalidYaml_IsReported()
    {
        _files.Write("broken.yaml", "openapi: 3.0.3\ninfo: [unclosed\n");
        var errors = _files.Errors($$"""{ {{CatalogJson.Backends}}, "openapi": [ { "document": "broken.yaml" } ] }""");
        Assert.StartsWith("openapi[0] 'broken.yaml': document", Assert.Single(errors), StringComparison.Ordinal);
    }

    private ToolCatalog ImportFleet()
    {
        _files.Write("fleet.yaml", FleetOpenApi.Yaml);
        return _files.Parse($$"""{ {{FleetBackend}}, "openapi": [ { "document": "fleet.yaml", "namePrefix": "fleet_" } ] }""");
    }

    private static string Doc(string paths) => $$"""
        { "openapi": "3.0.3", "info": { "title": "t", "version": "1" }, "paths": {{paths}},
          "components": { "securitySchemes": { "oauth": { "type": "oauth2", "flows": { "clientCredentials": { "tokenUrl": "https://x/token", "scopes": {} } } } } } }
        """;

    private static ToolDefinition Tool(ToolCatalog catalog, string name)
    {
        Assert.True(catalog.TryGetTool(name, out var tool), $"no tool '{name}' in [{string.Join(", ", catalog.Tools.Select(t => t.Name))}]");
        return tool;
    }

    private static IEnumerable<string?> Required(ToolDefinition tool) =>
        tool.InputSchema.TryGetProperty("required", out var required) ? required.EnumerateArray().Select(r => r.GetString()) : [];

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    public void Dispose() => _files.Dispose();
}
