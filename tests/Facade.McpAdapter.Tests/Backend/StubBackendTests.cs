using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Facade.McpAdapter.Backend;

namespace Facade.McpAdapter.Tests.Backend;

/// <summary>Failure modes and HTTP details, against a Kestrel stub (and a port nobody listens on).</summary>
public sealed class StubBackendTests : IAsyncLifetime
{
    private const string Token = "stub-token-123";

    private StubBackend _stub = null!;
    private InvokerHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _stub = await StubBackend.StartAsync();
        _host = new InvokerHost(new Dictionary<string, string?> { ["Adapter:BackendCalls:MaxResponseBytes"] = "65536" });
    }

    public async ValueTask DisposeAsync()
    {
        _host.Dispose();
        await _stub.DisposeAsync();
    }

    [Fact]
    public async Task BackendDown_IsUnavailable_ConnectionRefused()
    {
        var port = UnusedPort();
        var catalog = BackendCatalogs.For($"http://127.0.0.1:{port}", BackendCatalogs.Get("t", "/api/tasks"));

        var result = await InvokeAsync(catalog.Tool("t"), "{}");

        Assert.True(result.IsError);
        Assert.Equal(BackendFailure.Unavailable, result.Failure);
        Assert.Null(result.StatusCode);
        Assert.Equal("The stub backend is unavailable (connection refused). Try again later.", result.Text);
    }

    [Fact]
    public async Task ShippedCatalog_BackendDown_NamesTheTasksBackend()
    {
        var catalog = Catalog.CatalogTestFiles.LoadShipped($"http://127.0.0.1:{UnusedPort()}");
        Assert.True(catalog.TryGetTool("list_tasks", out var tool));

        var result = await InvokeAsync(tool, "{}");

        Assert.Equal("The tasks backend is unavailable (connection refused). Try again later.", result.Text);
    }

    [Fact]
    public async Task SlowBackend_TimesOut_WithTheBackendsTimeout()
    {
        var catalog = BackendCatalogs.For(_stub.Url, BackendCatalogs.Get("slow", "/slow"), timeoutSeconds: 0.3);
        var started = DateTime.UtcNow;

        var result = await InvokeAsync(catalog.Tool("slow"), "{}");

        Assert.True(result.IsError);
        Assert.Equal(BackendFailure.Timeout, result.Failure);
        Assert.Equal("The stub backend did not answer within 0.3 seconds (timeout). Try again later.", result.Text);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task DefaultTimeout_ComesFromOptions()
    {
        using var host = new InvokerHost(new Dictionary<string, string?> { ["Adapter:BackendCalls:Timeout"] = "00:00:00.2" });
        var catalog = BackendCatalogs.For(_stub.Url, BackendCatalogs.Get("slow", "/slow"));

        var result = await host.Invoker.InvokeAsync(catalog.Tool("slow").Call, Json("{}"), Token, Ct);

        Assert.Equal(BackendFailure.Timeout, result.Failure);
        Assert.Contains("within 0.2 seconds", result.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallerCancellation_IsNotATimeout_ItThrows()
    {
        var catalog = BackendCatalogs.For(_stub.Url, BackendCatalogs.Get("slow", "/slow"));
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _host.Invoker.InvokeAsync(catalog.Tool("slow").Call, Json("{}"), Token, cancellation.Token));
    }

    [Theory]
    [InlineData(401, BackendFailure.Unauthorized, "The backend rejected the caller's credentials (HTTP 401): Backend says 401.")]
    [InlineData(403, BackendFailure.Forbidden, "This operation is not allowed (HTTP 403): Backend says 403.")]
    [InlineData(404, BackendFailure.NotFound, "Not found (HTTP 404): Backend says 404.")]
    [InlineData(409, BackendFailure.Rejected, "The stub backend rejected the request (HTTP 409): Backend says 409.")]
    [InlineData(500, BackendFailure.ServerError, "The stub backend failed to handle the request (HTTP 500). Try again later.")]
    [InlineData(503, BackendFailure.ServerError, "The stub backend failed to handle the request (HTTP 503). Try again later.")]
    public async Task StatusCodes_MapToFailures_AndUsefulMessages(int status, BackendFailure failure, string message)
    {
        var catalog = BackendCatalogs.For(_stub.Url, BackendCatalogs.Get("t", $"/status/{status}"));

        var result = await InvokeAsync(catalog.Tool("t"), "{}");

        Assert.True(result.IsError);
        Assert.Equal(failure, result.Failure);
        Assert.Equal(status, result.StatusCode);
        Assert.StartsWith(message, result.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Secret.Internal", result.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, result.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProblemDetails_DetailIsUsed()
    {
        var catalog = BackendCatalogs.For(_stub.Url, BackendCatalogs.Get("t", "/problem"));
        var result = await InvokeAsync(catalog.Tool("t"), "{}");
        Assert.Equal("The stub backend rejected the request (HTTP 422): The rule is inconsistent.", result.Text);
    }

    [Fact]
    public async Task RateLimit_SaysWhenToRetry()
    {
        var catalog = BackendCatalogs.For(_stub.Url, BackendCatalogs.Get("t", "/retry"));
        var result = await InvokeAsync(catalog.Tool("t"), "{}");
        Assert.Equal("The stub backend is rate limiting requests (HTTP 429); retry after 7 seconds.", result.Text);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TooLargeResponse_IsAnError_WithOrWithoutContentLength(bool length)
    {
        var catalog = BackendCatalogs.For(_stub.Url, string.Join(", ",
            BackendCatalogs.Get("small", $"/big?bytes=60000&length={length}"),
            BackendCatalogs.Get("big", $"/big?bytes=70000&length={length}")));

        var small = await InvokeAsync(catalog.Tool("small"), "{}");
        var big = await InvokeAsync(catalog.Tool("big"), "{}");

        Assert.False(small.IsError, small.Text);
        Assert.True(big.IsError);
        Assert.Equal(BackendFailure.TooLarge, big.Failure);
        Assert.Equal("The response from the stub backend is too large (more than 65536 bytes); narrow the request, e.g. with filters or a smaller limit.", big.Text);
    }

    [Fact]
    public async Task DefaultResponseCap_IsOneMegabyte()
    {
        using var host = new InvokerHost();
        var catalog = BackendCatalogs.For(_stub.Url, BackendCatalogs.Get("big", "/big?bytes=1100000&length=false"));
        var result = await host.Invoker.InvokeAsync(catalog.Tool("big").Call, Json("{}"), Token, Ct);
        Assert.Contains("too large (more than 1048576 bytes)", result.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SameHostRedirect_IsFollowed_WithTheToken()
    {
        var catalog = BackendCatalogs.For(_stub.Url, BackendCatalogs.Get("t", "/redirect-same", """, "result": "query" """));

        var result = await InvokeAsync(catalog.Tool("t"), "{}");

        Assert.False(result.IsError, result.Text);
        Assert.Equal("?redirected=yes", result.Structured!.Value.GetString());
        Assert.Equal(["Bearer " + Token, "Bearer " + Token], _stub.Authorizations);
    }

    [Fact]
    public async Task RedirectToAnotherHost_IsNotFollowed_AndTheTokenDoesNotTravel()
    {
        await using var other = await StubBackend.StartAsync();
        var target = Uri.EscapeDataString(other.Url.Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/echo");
        var catalog = BackendCatalogs.For(_stub.Url, BackendCatalogs.Get("t", $"/redirect-other?to={target}"));

        var result = await InvokeAsync(catalog.Tool("t"), "{}");

        Assert.True(result.IsError);
        Assert.Equal(BackendFailure.Redirect, result.Failure);
        Assert.Equal("The stub backend redirected to another host (HTTP 302); such redirects are not followed.", result.Text);
        Assert.Empty(other.Authorizations);
    }

    [Fact]
    public async Task RedirectLoop_StopsAfterTheLimit()
    {
        var catalog = BackendCatalogs.For(_stub.Url, BackendCatalogs.Get("t", "/redirect-loop"));
        var result = await InvokeAsync(catalog.Tool("t"), "{}");
        Assert.Equal("The stub backend redirected too many times (HTTP 302).", result.Text);
        Assert.Equal(4, _stub.Authorizations.Count);
    }

    [Fact]
    public async Task QueryArraysBooleansNumbers_AndHeaders_GoOnTheWire()
    {
        var catalog = BackendCatalogs.For(_stub.Url, """
            { "name": "echo", "description": "d", "scopes": [],
              "inputSchema": { "type": "object", "properties": {
                  "tag": { "type": "array" }, "on": { "type": "boolean" }, "n": { "type": "number" },
                  "absent": { "type": "string" }, "nothing": { "type": ["string", "null"] }, "rid": { "type": "string" } } },
              "call": { "method": "GET", "path": "/echo?fixed=1",
                        "query": { "tag": "tag", "on": "on", "n": "n", "absent": "absent", "nothing": "nothing" },
                        "headers": { "X-Request-Id": "rid" } } }
            """);

        var result = await InvokeAsync(catalog.Tool("echo"), """{"tag":["a b","c&d"],"on":true,"n":2.5,"nothing":null,"rid":"r-1"}""");

        Assert.False(result.IsError, result.Text);
        Assert.Equal("?fixed=1&tag=a%20b&tag=c%26d&on=true&n=2.5", result.Structured!.Value.GetProperty("query").GetString());
        Assert.Equal("r-1", result.Structured.Value.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task PathVariables_AreEscapedAsOneSegment()
    {
        var catalog = BackendCatalogs.For(_stub.Url, """
            { "name": "echo", "description": "d", "scopes": [],
              "inputSchema": { "type": "object", "properties": { "id": { "type": "string" } }, "required": ["id"] },
              "call": { "method": "GET", "path": "/echo/{id}/end", "result": "rawTarget" } }
            """);

        var result = await InvokeAsync(catalog.Tool("echo"), """{"id":"a/b c?d#e%f"}""");

        Assert.False(result.IsError, result.Text);
        Assert.Equal("/echo/a%2Fb%20c%3Fd%23e%25f/end", result.Structured!.Value.GetString());
    }

    [Fact]
    public async Task PostBody_IsJson_AndSeeOtherSwitchesToGet()
    {
        var catalog = BackendCatalogs.For(_stub.Url, """
            { "name": "post", "description": "d", "scopes": [],
              "inputSchema": { "type": "object", "properties": { "title": { "type": "string" } } },
              "call": { "method": "POST", "path": "/echo" } },
            { "name": "see_other", "description": "d", "scopes": [],
              "inputSchema": { "type": "object", "properties": { "title": { "type": "string" } } },
              "call": { "method": "POST", "path": "/see-other" } }
            """);

        var post = await InvokeAsync(catalog.Tool("post"), """{"title":"héllo \"quoted\""}""");
        Assert.Equal("POST", post.Structured!.Value.GetProperty("method").GetString());
        Assert.Equal("application/json; charset=utf-8", post.Structured.Value.GetProperty("contentType").GetString());
        Assert.Equal("héllo \"quoted\"", post.Structured.Value.GetProperty("body").GetProperty("title").GetString());
        Assert.Contains("héllo", post.Text, StringComparison.Ordinal);

        var seeOther = await InvokeAsync(catalog.Tool("see_other"), """{"title":"x"}""");
        Assert.Equal("GET", seeOther.Structured!.Value.GetProperty("method").GetString());
        Assert.Equal(JsonValueKind.Null, seeOther.Structured.Value.GetProperty("body").ValueKind);
    }

    [Fact]
    public async Task DottedResultPath_SelectsNestedData()
    {
        var catalog = BackendCatalogs.For(_stub.Url, BackendCatalogs.Get("items", "/echo", """, "result": "data.items" """));
        var result = await InvokeAsync(catalog.Tool("items"), "{}");
        Assert.Equal(2, result.Structured!.Value.GetArrayLength());
        Assert.Equal(2, result.Structured.Value[1].GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task TextEmptyAndBrokenJsonResponses()
    {
        var catalog = BackendCatalogs.For(_stub.Url, string.Join(", ",
            BackendCatalogs.Get("text", "/text"),
            BackendCatalogs.Get("empty", "/empty"),
            BackendCatalogs.Get("bad", "/bad-json")));

        var text = await InvokeAsync(catalog.Tool("text"), "{}");
        Assert.False(text.IsError);
        Assert.Equal("plain words", text.Text);
        Assert.Null(text.Structured);
        Assert.Equal("text/plain", text.MediaType);

        var empty = await InvokeAsync(catalog.Tool("empty"), "{}");
        Assert.False(empty.IsError);
        Assert.Equal(204, empty.StatusCode);
        Assert.Equal("The stub backend completed the request (HTTP 204, no content).", empty.Text);

        var bad = await InvokeAsync(catalog.Tool("bad"), "{}");
        Assert.True(bad.IsError);
        Assert.Equal(BackendFailure.UnexpectedResponse, bad.Failure);
        Assert.Equal("The stub backend answered with invalid JSON (HTTP 200).", bad.Text);
    }

    [Fact]
    public async Task MissingRequiredPathArgument_IsRefusedBeforeSending()
    {
        var catalog = BackendCatalogs.For(_stub.Url, """
            { "name": "t", "description": "d", "scopes": [],
              "inputSchema": { "type": "object", "properties": { "id": { "type": "string" } }, "required": ["id"] },
              "call": { "method": "GET", "path": "/echo/{id}" } }
            """);

        var missing = await InvokeAsync(catalog.Tool("t"), "{}");
        var notObject = await InvokeAsync(catalog.Tool("t"), "[1]");

        Assert.Equal("'id' is required.", missing.Text);
        Assert.Equal("The arguments must be a JSON object.", notObject.Text);
        Assert.All([missing, notObject], r => Assert.Equal(BackendFailure.InvalidArguments, r.Failure));
        Assert.Empty(_stub.Authorizations);
    }

    [Fact]
    public async Task HeaderArgument_WithNewline_IsRefused()
    {
        var catalog = BackendCatalogs.For(_stub.Url, """
            { "name": "t", "description": "d", "scopes": [],
              "inputSchema": { "type": "object", "properties": { "rid": { "type": "string" } } },
              "call": { "method": "GET", "path": "/echo", "headers": { "X-Request-Id": "rid" } } }
            """);

        var result = await InvokeAsync(catalog.Tool("t"), """{"rid":"a\r\nX-Facade-Subject: admin"}""");

        Assert.Equal(BackendFailure.InvalidArguments, result.Failure);
        Assert.Equal("'rid' must not contain control characters.", result.Text);
        Assert.Empty(_stub.Authorizations);
    }

    private Task<BackendResult> InvokeAsync(Facade.McpAdapter.Catalog.ToolDefinition tool, string arguments) =>
        _host.Invoker.InvokeAsync(tool.Call, Json(arguments), Token, Ct);

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    /// <summary>A port that was free a moment ago and has nothing listening now.</summary>
    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
