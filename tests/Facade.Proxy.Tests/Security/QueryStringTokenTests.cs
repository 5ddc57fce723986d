using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Facade.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Facade.Proxy.Tests.Security;

/// <summary>The edge with <c>Facade:Edge:AllowQueryStringToken</c> on (legacy clients).</summary>
public sealed class QueryStringTokenFixture : EdgeFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Facade:Edge:AllowQueryStringToken"] = "true" };
}

/// <summary>
/// A token accepted from <c>?access_token=</c> reaches a <c>forward</c> backend the standard way, as
/// <c>Authorization: Bearer</c>, and leaves the URL before anything logs it: not the backend, not a log line.
/// </summary>
public sealed class QueryStringTokenTests(QueryStringTokenFixture fixture) : IClassFixture<QueryStringTokenFixture>
{
    [Fact]
    public async Task QueryToken_IsForwardedAsBearer_AndRemovedFromTheQuery()
    {
        var token = await fixture.SharedAccessTokenAsync("tasks:read");
        var (response, probe) = await fixture.SendAsync(HttpMethod.Get, "api/tasks?state=open&access_token=" + Uri.EscapeDataString(token) + "&limit=5", authorization: null);
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var received = fixture.BackendRequest(probe);
        Assert.NotNull(received);
        Assert.Equal("Bearer " + token, received.Header("Authorization"));
        Assert.Equal("state=open&limit=5", received.Query);
    }

    [Fact]
    public async Task HeaderAndQueryToken_OnlyTheValidatedHeaderTokenIsForwarded()
    {
        var token = await fixture.SharedAccessTokenAsync("tasks:read");
        var (response, probe) = await fixture.SendBearerAsync(HttpMethod.Get, "api/tasks?access_token=not-validated", token);
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var received = fixture.BackendRequest(probe);
        Assert.NotNull(received);
        Assert.Equal("Bearer " + token, received.Header("Authorization"));
        Assert.DoesNotContain("not-validated", received.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task McpToolCall_WithQueryToken_SucceedsThroughTheAdapter_TokenInNoLogLine()
    {
        var ct = TestContext.Current.CancellationToken;
        var logs = new CapturedLogs();
        var trace = new[] { "Default", "Microsoft.AspNetCore", "Yarp", "System.Net.Http.HttpClient" }
            .ToDictionary(category => "Logging:LogLevel:" + category, _ => (string?)"Trace");
        await using var stack = FacadeStack.Start(
            new Dictionary<string, string?>(trace) { ["Facade:Edge:AllowQueryStringToken"] = "true" }, trace,
            services => services.AddSingleton<ILoggerProvider>(logs));
        using var oauth = new OAuthTestClient(stack.Edge.BaseUrl);
        var (_, issued) = await oauth.GetTokenAsync("tasks:read", cancellationToken: ct);
        var token = issued.AccessToken!;
        logs.Clear();

        using var http = new HttpClient { BaseAddress = stack.Edge.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, "mcp?access_token=" + Uri.EscapeDataString(token))
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_tasks","arguments":{}}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.Add("MCP-Protocol-Version", "2025-11-25");
        using var response = await http.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        Assert.Contains("\"result\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("\"isError\":true", body, StringComparison.Ordinal);
        Assert.Contains(stack.Legacy.Requests, r => r.Path == "/api/tasks" && r.Header("Authorization") == "Bearer " + token);

        // The capture works (both hosts logged the request at Trace/Debug), and no line holds the token or its signature.
        Assert.Contains(logs.Lines, l => l.Category.StartsWith("Yarp", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        var signature = token[(token.LastIndexOf('.') + 1)..];
        Assert.True(logs.Containing(signature).Count == 0, "Logged: " + string.Join(Environment.NewLine, logs.Containing(signature)));
    }
}
