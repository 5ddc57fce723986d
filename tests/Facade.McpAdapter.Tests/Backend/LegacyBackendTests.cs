using System.Text.Json;
using Facade.McpAdapter.Backend;
using Facade.McpAdapter.Catalog;
using Facade.McpAdapter.Tests.Catalog;
using Facade.Mocks.LegacyApi;

namespace Facade.McpAdapter.Tests.Backend;

/// <summary>The shipped catalog's tools, resources and agent tool, called for real against the legacy mock.</summary>
public sealed class LegacyBackendTests : IDisposable
{
    private const string Token = "eyJ.test-token.sig";

    private readonly LegacyApiServer _server = LegacyApiServer.Start();
    private readonly InvokerHost _host = new();
    private readonly ToolCatalog _catalog;

    public LegacyBackendTests()
    {
        _catalog = CatalogTestFiles.LoadShipped(_server.Url);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ListOrganizations_ForwardsTheCallersToken_AndReturnsPrettyJson()
    {
        var result = await CallAsync("list_organizations", "{}");

        Assert.False(result.IsError, result.Text);
        Assert.Equal(200, result.StatusCode);
        Assert.Equal(3, result.Structured!.Value.GetArrayLength());
        Assert.Equal("Acme", result.Structured.Value[0].GetProperty("name").GetString());
        Assert.Contains("\n", result.Text, StringComparison.Ordinal);
        Assert.Equal(JsonSerializer.Serialize(result.Structured), JsonSerializer.Serialize(JsonDocument.Parse(result.Text).RootElement));

        var request = Assert.Single(_server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/api/organizations", request.Path);
        Assert.Equal("Bearer " + Token, request.Header("Authorization"));
    }

    [Fact]
    public async Task Token_WithBearerPrefix_IsForwardedOnce()
    {
        var result = await _host.Invoker.InvokeAsync(Tool("list_organizations").Call, Json("{}"), "Bearer " + Token, Ct);
        Assert.False(result.IsError);
        Assert.Equal("Bearer " + Token, Assert.Single(_server.Requests).Header("Authorization"));
    }

    [Fact]
    public async Task ListTasks_MapsQueryParameters_AndSkipsAbsentOnes()
    {
        var filtered = await CallAsync("list_tasks", """{"status":"open","organization":"org-1","limit":1}""");
        var all = await CallAsync("list_tasks", """{"status":"done"}""");
        var none = await CallAsync("list_tasks", "{}");

        Assert.Equal(1, filtered.Structured!.Value.GetArrayLength());
        Assert.Equal(3, all.Structured!.Value.GetArrayLength());
        Assert.All(all.Structured.Value.EnumerateArray(), t => Assert.Equal("done", t.GetProperty("status").GetString()));
        Assert.Equal(10, none.Structured!.Value.GetArrayLength());
        Assert.Equal(["status=open&organization=org-1&limit=1", "status=done", ""], _server.Requests.Select(r => r.Query));
    }

    [Fact]
    public async Task GetTask_ReturnsTheTaskAsStructuredContent()
    {
        var result = await CallAsync("get_task", """{"id":"task-3"}""");

        Assert.False(result.IsError);
        Assert.Equal("Review access policies", result.Structured!.Value.GetProperty("title").GetString());
        Assert.Equal(JsonValueKind.Object, result.Structured.Value.ValueKind);
        Assert.Equal("/api/tasks/task-3", Assert.Single(_server.Requests).Path);
    }

    [Fact]
    public async Task GetTask_EscapesThePathVariable_AndReportsNotFoundWithTheBackendsWords()
    {
        // (The mock decodes %2F before routing, so '/' is checked against the stub's raw target in StubBackendTests.)
        var result = await CallAsync("get_task", """{"id":"a b?x=1#y&z"}""");

        Assert.True(result.IsError);
        Assert.Equal(BackendFailure.NotFound, result.Failure);
        Assert.Equal(404, result.StatusCode);
        Assert.Equal("Not found (HTTP 404): Task 'a b?x=1#y&z' does not exist.", result.Text);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("", request.Query);
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("")]
    public async Task PathVariable_ThatWouldChangeThePath_IsRefusedBeforeSending(string id)
    {
        var result = await _host.Invoker.InvokeAsync(Tool("get_task").Call, Json($$"""{"id":"{{id}}"}"""), Token, Ct);

        Assert.True(result.IsError);
        Assert.Equal(BackendFailure.InvalidArguments, result.Failure);
        Assert.Equal("'id' must not be empty, '.' or '..'.", result.Text);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task CreateTask_SendsTheMappedBody_AndReturnsTheNewTask()
    {
        var result = await CallAsync("create_task", """{"title":"Write runbook","organizationId":"org-2","assignee":"gina"}""");

        Assert.False(result.IsError, result.Text);
        Assert.Equal(201, result.StatusCode);
        Assert.Equal("task-11", result.Structured!.Value.GetProperty("id").GetString());
        Assert.Equal("open", result.Structured.Value.GetProperty("status").GetString());

        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);
        using var body = JsonDocument.Parse(request.Body!);
        Assert.Equal(["title", "organizationId", "assignee"], body.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task UpdateTask_SendsTheRemainingArguments_WithoutThePathArgument()
    {
        var result = await CallAsync("update_task", """{"id":"task-1","status":"done","assignee":null}""");

        Assert.False(result.IsError, result.Text);
        Assert.Equal("done", result.Structured!.Value.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, result.Structured.Value.GetProperty("assignee").ValueKind);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("PATCH", request.Method);
        Assert.Equal("/api/tasks/task-1", request.Path);
        Assert.Equal("""{"status":"done","assignee":null}""", request.Body);
    }

    [Fact]
    public async Task ValidationFailure_ReturnsTheBackendsDescription()
    {
        var result = await CallAsync("create_task", """{"title":"x","organizationId":"org-9"}""");

        Assert.True(result.IsError);
        Assert.Equal(BackendFailure.Rejected, result.Failure);
        Assert.Equal(400, result.StatusCode);
        Assert.Equal("The tasks backend rejected the request (HTTP 400): organizationId 'org-9' does not exist.", result.Text);
    }

    [Fact]
    public async Task UpdateUnknownTask_IsNotFound()
    {
        var result = await CallAsync("update_task", """{"id":"task-99","status":"done"}""");
        Assert.Equal(BackendFailure.NotFound, result.Failure);
        Assert.Equal("Not found (HTTP 404): Task 'task-99' does not exist.", result.Text);
    }

    [Fact]
    public async Task NoToken_TheBackends401_IsReportedAsSuch()
    {
        var result = await _host.Invoker.InvokeAsync(Tool("list_tasks").Call, Json("{}"), bearerToken: null, Ct);

        Assert.True(result.IsError);
        Assert.Equal(BackendFailure.Unauthorized, result.Failure);
        Assert.Equal(401, result.StatusCode);
        Assert.StartsWith("The backend rejected the caller's credentials (HTTP 401): The request must carry an Authorization header.", result.Text, StringComparison.Ordinal);
        Assert.False(Assert.Single(_server.Requests).HasHeader("Authorization"));
    }

    [Fact]
    public async Task Token_WithControlCharacters_IsNeverSent()
    {
        var result = await _host.Invoker.InvokeAsync(Tool("list_tasks").Call, Json("{}"), "abc\r\nX-Facade-Subject: admin", Ct);

        Assert.Equal(BackendFailure.InvalidArguments, result.Failure);
        Assert.DoesNotContain("abc", result.Text, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task ErrorTexts_NeverContainTheToken()
    {
        var results = new[]
        {
            await CallAsync("get_task", """{"id":"task-99"}"""),
            await CallAsync("create_task", """{"title":"x","organizationId":"org-9"}"""),
        };
        Assert.All(results, r => Assert.DoesNotContain(Token, r.Text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Resources_FixedAndTemplated_AreReadThroughTheirCalls()
    {
        Assert.True(_catalog.Default.TryResolveResource("facade://tasks/task-2", out var task));
        var taskResult = await _host.Invoker.InvokeAsync(task.Call, task.Arguments, Token, Ct);
        Assert.Equal("Renew TLS certificates", taskResult.Structured!.Value.GetProperty("title").GetString());

        Assert.True(_catalog.Default.TryResolveResource("facade://organizations/org-3/tasks", out var orgTasks));
        var orgResult = await _host.Invoker.InvokeAsync(orgTasks.Call, orgTasks.Arguments, Token, Ct);
        Assert.All(orgResult.Structured!.Value.EnumerateArray(), t => Assert.Equal("org-3", t.GetProperty("organizationId").GetString()));

        Assert.True(_catalog.Default.TryResolveResource("facade://organizations", out var organizations));
        var organizationsResult = await _host.Invoker.InvokeAsync(organizations.Call, organizations.Arguments, Token, Ct);
        Assert.Equal(3, organizationsResult.Structured!.Value.GetArrayLength());

        Assert.True(_catalog.Default.TryResolveResource("facade://tasks/task%2099", out var escaped));
        var missing = await _host.Invoker.InvokeAsync(escaped.Call, escaped.Arguments, Token, Ct);
        Assert.Equal("Not found (HTTP 404): Task 'task 99' does not exist.", missing.Text);

        Assert.Equal(["", "organization=org-3", "", ""], _server.Requests.Select(r => r.Query));
    }

    [Fact]
    public async Task PlannerOwnTool_KeepsItsFixedQuery_AndAddsMappedOnes()
    {
        Assert.True(_catalog.Agents["planner"].View.TryGetTool("list_open_tasks", out var tool));
        var result = await _host.Invoker.InvokeAsync(tool.Call, Json("""{"organization":"org-2"}"""), Token, Ct);

        Assert.All(result.Structured!.Value.EnumerateArray(), t => Assert.Equal("open", t.GetProperty("status").GetString()));
        Assert.Equal("status=open&organization=org-2", Assert.Single(_server.Requests).Query);
    }

    [Fact]
    public async Task ImportedOpenApiTools_CallTheSameBackend()
    {
        var update = await CallAsync("legacy_updateTask", """{"id":"task-4","assignee":"zoe"}""");
        Assert.False(update.IsError, update.Text);
        Assert.Equal("zoe", update.Structured!.Value.GetProperty("assignee").GetString());

        var replace = await CallAsync("legacy_replaceTask", """{"id":"task-4","title":"Archive invoices","status":"done","organizationId":"org-1"}""");
        Assert.False(replace.IsError, replace.Text);
        Assert.Equal(JsonValueKind.Null, replace.Structured!.Value.GetProperty("assignee").ValueKind);

        var list = await CallAsync("legacy_listTasks", """{"status":"done","limit":2}""");
        Assert.Equal(2, list.Structured!.Value.GetArrayLength());

        Assert.Equal(["PATCH", "PUT", "GET"], _server.Requests.Select(r => r.Method));
        Assert.Equal("""{"assignee":"zoe"}""", _server.Requests[0].Body);
        Assert.All(_server.Requests, r => Assert.Equal("Bearer " + Token, r.Header("Authorization")));
    }

    [Fact]
    public async Task ResultSelection_PicksPartOfTheResponse()
    {
        var catalog = BackendCatalogs.For(_server.Url, string.Join(", ",
            BackendCatalogs.Get("first_org", "/api/organizations", """, "result": "0" """),
            BackendCatalogs.Get("first_org_name", "/api/organizations", """, "result": "$.0.name" """),
            BackendCatalogs.Get("missing_part", "/api/organizations", """, "result": "data.items" """)));

        var first = await _host.Invoker.InvokeAsync(catalog.Tool("first_org").Call, Json("{}"), Token, Ct);
        Assert.Equal("org-1", first.Structured!.Value.GetProperty("id").GetString());

        var name = await _host.Invoker.InvokeAsync(catalog.Tool("first_org_name").Call, Json("{}"), Token, Ct);
        Assert.Equal("\"Acme\"", name.Text);
        Assert.Equal("Acme", name.Structured!.Value.GetString());

        var missing = await _host.Invoker.InvokeAsync(catalog.Tool("missing_part").Call, Json("{}"), Token, Ct);
        Assert.True(missing.IsError);
        Assert.Equal(BackendFailure.UnexpectedResponse, missing.Failure);
        Assert.Equal("The stub backend's response has no 'data.items' (HTTP 200).", missing.Text);
    }

    private Task<BackendResult> CallAsync(string tool, string arguments) =>
        _host.Invoker.InvokeAsync(Tool(tool).Call, Json(arguments), Token, Ct);

    private ToolDefinition Tool(string name)
    {
        Assert.True(_catalog.TryGetTool(name, out var tool), name);
        return tool;
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    public void Dispose()
    {
        _host.Dispose();
        _server.Dispose();
    }
}
