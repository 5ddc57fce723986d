using System.Text.Json;
using Facade.Common;
using Facade.McpAdapter.Backend;
using Facade.McpAdapter.Catalog;

namespace Facade.McpAdapter.Tests.Catalog;

/// <summary>The catalog the adapter ships (mcp-adapter/catalog/catalog.json) loads and says what the issue asks for.</summary>
public sealed class ShippedCatalogTests
{
    private static readonly ToolCatalog Catalog = CatalogTestFiles.LoadShipped();

    [Fact]
    public void DefaultServer_HasTheFiveTaskTools_ThenTheEightDeviceTools_InOrder()
    {
        Assert.Equal(
            ["list_organizations", "list_tasks", "get_task", "create_task", "update_task",
             "list_devices", "get_device", "get_fleet_status", "read_sensor", "get_history", "send_command", "configure_device", "list_alerts"],
            Catalog.Default.Tools.Select(t => t.Name));
    }

    [Theory]
    [InlineData("list_devices", "devices:read telemetry:read", "GET", "/devices?include=latest", true)]
    [InlineData("get_device", "devices:read", "GET", "/devices/{device_id}?include=shadow", true)]
    [InlineData("get_fleet_status", "devices:read", "GET", "/devices/summary", true)]
    [InlineData("read_sensor", "telemetry:read", "GET", "/devices/{device_id}/telemetry/{sensor_key}/latest", true)]
    [InlineData("get_history", "telemetry:read", "GET", "/devices/{device_id}/telemetry/{sensor_key}", true)]
    [InlineData("send_command", "commands:write", "POST", "/devices/{device_id}/commands?wait=true", false)]
    [InlineData("configure_device", "devices:write", "PATCH", "/devices/{device_id}/shadow/desired", false)]
    [InlineData("list_alerts", "rules:read", "GET", "/alerts", true)]
    public void DeviceTools_HaveScopesCallsAndHints(string name, string scopes, string method, string path, bool readOnly)
    {
        Assert.True(Catalog.Default.TryGetTool(name, out var tool));
        Assert.Equal(scopes.Split(' '), tool.Scopes);
        Assert.Equal(method, tool.Call.Method.Method);
        Assert.Equal(path, tool.Call.Path.Text);
        Assert.Equal("devices", tool.Call.Backend.Name);
        Assert.Equal(readOnly, tool.Annotations.ReadOnly);
        Assert.False(string.IsNullOrWhiteSpace(tool.Title));
        Assert.True(tool.Description.Length > 80, tool.Description);
        var required = tool.InputSchema.TryGetProperty("required", out var list) ? list.EnumerateArray().Select(e => e.GetString()!).ToList() : [];
        Assert.Equal(tool.Call.Path.Variables, required.Where(tool.Call.Path.Variables.Contains));
    }

    [Fact]
    public void DeviceToolArguments_AreTheContractsNames_WithTheirConstraints()
    {
        string[] Arguments(string name) =>
            Catalog.TryGetTool(name, out var tool) ? [.. tool.InputSchema.GetProperty("properties").EnumerateObject().Select(p => p.Name)] : [];

        Assert.Empty(Arguments("list_devices"));
        Assert.Empty(Arguments("get_fleet_status"));
        Assert.Empty(Arguments("list_alerts"));
        Assert.Equal(["device_id"], Arguments("get_device"));
        Assert.Equal(["device_id", "sensor_key"], Arguments("read_sensor"));
        Assert.Equal(["device_id", "sensor_key", "from", "to", "resolution"], Arguments("get_history"));
        Assert.Equal(["device_id", "command", "params"], Arguments("send_command"));
        Assert.Equal(["device_id", "config"], Arguments("configure_device"));

        Assert.True(Catalog.TryGetTool("get_history", out var history));
        var properties = history.InputSchema.GetProperty("properties");
        Assert.Equal(["raw", "1m", "1h", "1d"], properties.GetProperty("resolution").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("date-time", properties.GetProperty("from").GetProperty("format").GetString());
        Assert.Equal("date-time", properties.GetProperty("to").GetProperty("format").GetString());
        Assert.Equal(["from", "to", "resolution"], history.Call.Query.Select(q => q.Name));

        Assert.True(Catalog.TryGetTool("send_command", out var send));
        Assert.Equal(BodyKind.Map, send.Call.Body.Kind);
        Assert.Equal([("name", "command"), ("params", "params")], send.Call.Body.Properties.Select(p => (p.Name, p.Argument)));
        Assert.True(send.Annotations.Destructive);
        Assert.False(send.Annotations.Idempotent);

        Assert.True(Catalog.TryGetTool("configure_device", out var configure));
        Assert.Equal(BodyKind.Argument, configure.Call.Body.Kind);
        Assert.Equal("config", configure.Call.Body.Argument);
        Assert.True(configure.Annotations.Idempotent);
    }

    [Fact]
    public void DevicesBackend_OutlastsTheCommandWait_AndIsOverridable()
    {
        var devices = Catalog.Backends["devices"];
        Assert.Equal(new Uri("http://127.0.0.1:5020/"), devices.BaseUri);
        Assert.Equal("devices", devices.Title);

        // The device edge waits up to DeviceEdge:Commands:DefaultTimeoutSeconds (30 s) for a command's answer and then
        // answers timed_out itself: the adapter must wait longer, or the model gets a transport timeout instead.
        Assert.Equal(TimeSpan.FromSeconds(45), devices.Timeout);

        var overridden = CatalogLoader.Load(CatalogTestFiles.ShippedCatalogPath, new Dictionary<string, string> { ["devices"] = "http://127.0.0.1:41235" });
        Assert.True(overridden.TryGetTool("send_command", out var tool));
        Assert.Equal(new Uri("http://127.0.0.1:41235/"), tool.Call.Backend.BaseUri);
        Assert.Equal(new Uri("http://127.0.0.1:5030/"), overridden.Backends["legacy"].BaseUri);
    }

    [Theory]
    [InlineData("list_organizations", "organizations:read", "GET", "/api/organizations")]
    [InlineData("list_tasks", "tasks:read", "GET", "/api/tasks")]
    [InlineData("get_task", "tasks:read", "GET", "/api/tasks/{id}")]
    [InlineData("create_task", "tasks:write", "POST", "/api/tasks")]
    [InlineData("update_task", "tasks:write", "PATCH", "/api/tasks/{id}")]
    public void TaskTools_HaveScopesAndCalls(string name, string scope, string method, string path)
    {
        Assert.True(Catalog.Default.TryGetTool(name, out var tool));
        Assert.Equal([scope], tool.Scopes);
        Assert.Equal(method, tool.Call.Method.Method);
        Assert.Equal(path, tool.Call.Path.Text);
        Assert.Equal("legacy", tool.Call.Backend.Name);
        Assert.Equal("tasks", tool.Call.Backend.Title);
        Assert.Equal("object", tool.InputSchema.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(tool.Description));
        Assert.False(string.IsNullOrWhiteSpace(tool.Title));
    }

    [Fact]
    public void ListTasks_HasStatusEnum_OrganizationFilter_AndLimitUpTo50()
    {
        Assert.True(Catalog.TryGetTool("list_tasks", out var tool));
        var properties = tool.InputSchema.GetProperty("properties");
        Assert.Equal(["open", "in_progress", "done"], properties.GetProperty("status").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(50, properties.GetProperty("limit").GetProperty("maximum").GetInt32());
        Assert.True(properties.TryGetProperty("organization", out _));
        Assert.Equal(["status", "organization", "limit"], tool.Call.Query.Select(q => q.Name));
    }

    [Fact]
    public void Annotations_AreInferredOrExplicit()
    {
        Assert.True(Catalog.TryGetTool("list_tasks", out var list));
        Assert.Equal(new ToolHints(ReadOnly: true, Destructive: false, Idempotent: true, OpenWorld: false), list.Annotations);

        Assert.True(Catalog.TryGetTool("create_task", out var create));
        Assert.False(create.Annotations.ReadOnly);
        Assert.False(create.Annotations.Destructive);
        Assert.False(create.Annotations.Idempotent);

        Assert.True(Catalog.TryGetTool("update_task", out var update));
        Assert.False(update.Annotations.ReadOnly);
        Assert.True(update.Annotations.Idempotent);
    }

    [Fact]
    public void Bodies_CreateMapsFields_UpdateSendsTheRemainingArguments()
    {
        Assert.True(Catalog.TryGetTool("create_task", out var create));
        Assert.Equal(BodyKind.Map, create.Call.Body.Kind);
        Assert.Equal(["title", "organizationId", "status", "assignee"], create.Call.Body.Properties.Select(p => p.Name));

        Assert.True(Catalog.TryGetTool("update_task", out var update));
        Assert.Equal(BodyKind.Arguments, update.Call.Body.Kind);
    }

    [Fact]
    public void GetTask_DeclaresTheTaskOutputSchema()
    {
        Assert.True(Catalog.TryGetTool("get_task", out var tool));
        Assert.Equal("object", tool.OutputSchema!.Value.GetProperty("type").GetString());
        Assert.Contains("status", tool.OutputSchema.Value.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void OpenApiImport_AddsLegacyTools_OutsideTheDefaultServer()
    {
        var imported = Catalog.Tools.Where(t => t.Name.StartsWith("legacy_", StringComparison.Ordinal)).Select(t => t.Name).Order(StringComparer.Ordinal);
        Assert.Equal(["legacy_createTask", "legacy_getTask", "legacy_listOrganizations", "legacy_listTasks", "legacy_replaceTask", "legacy_updateTask"], imported);
        Assert.DoesNotContain(Catalog.Default.Tools, t => t.Name.StartsWith("legacy_", StringComparison.Ordinal));
        Assert.True(Catalog.TryGetTool("legacy_updateTask", out var update));
        Assert.Equal(["tasks:write"], update.Scopes);
        Assert.True(Catalog.TryGetTool("legacy_getTask", out var get));
        Assert.Equal(["tasks:read"], get.Scopes);
    }

    [Fact]
    public void Resources_OrganizationsAndTaskTemplates()
    {
        var organizations = Assert.Single(Catalog.Default.Resources);
        Assert.Equal("facade://organizations", organizations.Uri);
        Assert.Equal("application/json", organizations.MimeType);
        Assert.Equal(["organizations:read"], organizations.Scopes);

        Assert.Equal(["facade://tasks/{id}", "facade://organizations/{organization}/tasks"], Catalog.Default.ResourceTemplates.Select(t => t.UriTemplate.Text));
        Assert.True(Catalog.Default.TryResolveResource("facade://tasks/task-3", out var task));
        Assert.Equal("task", task.Name);
        Assert.Equal(["tasks:read"], task.Scopes);
        Assert.Equal("task-3", task.Arguments.GetProperty("id").GetString());
        Assert.Equal("/api/tasks/{id}", task.Call.Path.Text);

        Assert.True(Catalog.Default.TryResolveResource("facade://organizations", out var fixedResource));
        Assert.Same(organizations, fixedResource.Resource);
        Assert.False(Catalog.Default.TryResolveResource("facade://tasks/", out _));
        Assert.False(Catalog.Default.TryResolveResource("facade://nothing", out _));
    }

    [Fact]
    public void Prompt_PlanMyOpenTasks_RendersWithAndWithoutOrganization()
    {
        Assert.True(Catalog.Default.TryGetPrompt("plan_my_open_tasks", out var prompt));
        Assert.Equal(["tasks:read"], prompt.Scopes);
        Assert.Contains(prompt.Arguments, a => a is { Name: "organization", Required: false });

        Assert.True(prompt.TryRender(null, out var plain, out _));
        Assert.Contains("list_tasks", plain, StringComparison.Ordinal);
        Assert.Contains("\"open\"", plain, StringComparison.Ordinal);
        Assert.DoesNotContain("organization \"", plain, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", plain, StringComparison.Ordinal);

        Assert.True(prompt.TryRender(new Dictionary<string, string> { ["organization"] = "org-2" }, out var scoped, out _));
        Assert.Contains("organization \"org-2\"", scoped, StringComparison.Ordinal);
    }

    [Fact]
    public void Prompt_RequiredArgumentMissing_OrUnknownArgument_IsAClearError()
    {
        Assert.True(Catalog.Default.TryGetPrompt("triage_task", out var prompt));
        Assert.False(prompt.TryRender(new Dictionary<string, string>(), out _, out var missing));
        Assert.Equal("Invalid arguments for prompt 'triage_task': 'id' is required.", missing);

        Assert.False(prompt.TryRender(new Dictionary<string, string> { ["id"] = "task-1", ["colour"] = "red" }, out _, out var unknown));
        Assert.Contains("'colour' is not an argument of this prompt (known: id)", unknown, StringComparison.Ordinal);
    }

    [Fact]
    public void Planner_IsASubsetPlusItsOwnTool_ForDemoOnly()
    {
        Assert.True(Catalog.TryGetAgent("planner", out var planner));
        Assert.Equal(["list_tasks", "get_task", "list_organizations", "list_open_tasks"], planner.View.Tools.Select(t => t.Name));
        Assert.Equal(["plan_my_open_tasks"], planner.View.Prompts.Select(p => p.Name));
        Assert.Equal(["organizations"], planner.View.Resources.Select(r => r.Name));
        Assert.Equal(["task"], planner.View.ResourceTemplates.Select(r => r.Name));
        Assert.False(planner.View.TryGetTool("create_task", out _));
        Assert.False(Catalog.Default.TryGetTool("list_open_tasks", out _));

        Assert.True(planner.AllowsUser("some-subject", "demo"));
        Assert.True(planner.AllowsUser("demo"));
        Assert.False(planner.AllowsUser("someone-else", "alice"));
        Assert.False(planner.AllowsUser(null, null));

        Assert.True(planner.View.TryGetTool("list_open_tasks", out var own));
        Assert.Equal("status=open", own.Call.Path.FixedQuery);
        Assert.Equal(["organization", "limit"], own.Call.Query.Select(q => q.Argument));
    }

    [Fact]
    public void EveryScope_IsAKnownScope()
    {
        var scopes = Catalog.Tools.SelectMany(t => t.Scopes)
            .Concat(Catalog.Resources.SelectMany(r => r.Scopes))
            .Concat(Catalog.ResourceTemplates.SelectMany(r => r.Scopes))
            .Concat(Catalog.Prompts.SelectMany(p => p.Scopes))
            .Concat(Catalog.Agents.Values.SelectMany(a => a.View.Tools.SelectMany(t => t.Scopes)));
        Assert.All(scopes, s => Assert.True(ScopeCatalog.IsApi(s), s));
    }

    [Fact]
    public void BackendOverride_FromConfiguration_WinsOverTheFile()
    {
        Assert.Equal(new Uri("http://127.0.0.1:5030/"), Catalog.Backends["legacy"].BaseUri);
        var overridden = CatalogTestFiles.LoadShipped("http://127.0.0.1:41234");
        Assert.Equal(new Uri("http://127.0.0.1:41234/"), overridden.Backends["legacy"].BaseUri);
        Assert.True(overridden.TryGetTool("get_task", out var tool));
        Assert.Equal(new Uri("http://127.0.0.1:41234/"), tool.Call.Backend.BaseUri);
        Assert.Equal("tasks", tool.Call.Backend.Title);
        Assert.Equal(TimeSpan.FromSeconds(15), tool.Call.Backend.Timeout);
    }

    [Fact]
    public void MissingCatalogFile_IsAClearError()
    {
        var exception = Assert.Throws<CatalogValidationException>(() => CatalogLoader.Load("/nonexistent/catalog.json"));
        Assert.Contains("the catalog file does not exist", Assert.Single(exception.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void InputSchemas_AreSerializableForToolsList()
    {
        foreach (var tool in Catalog.Tools)
        {
            var text = JsonSerializer.Serialize(tool.InputSchema);
            Assert.StartsWith("{", text, StringComparison.Ordinal);
        }
    }
}
