using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Facade.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Facade.Proxy.Tests.Discovery;

/// <summary>
/// RFC 9728 protected resource metadata and the challenges that point to it: one document per protected prefix, per
/// route that declares its own resource path (<c>Facade.ResourcePath</c>, e.g. MCP at <c>/api/mcp</c>) and for the
/// edge itself at the root; every 401/403, the edge's own or a backend's, names the document of the path called.
/// </summary>
public sealed class ProtectedResourceMetadataTests : IAsyncLifetime
{
    private FacadeHost _host = null!;
    private HttpClient _http = null!;

    public ValueTask InitializeAsync()
    {
        _host = FacadeHost.Start($"http://127.0.0.1:{McpAdapterHost.ReservePort()}/");
        _http = _host.CreateHttpClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
    }

    [Theory]
    [InlineData("mcp")]
    [InlineData("api")]
    [InlineData("devices")]
    [InlineData("realtime")]
    [InlineData("alerts")]
    [InlineData("api/mcp")]
    public async Task PathSuffixedMetadata_NamesTheResourceAtThatPath(string path)
    {
        var document = await _http.GetFromJsonAsync<JsonElement>(".well-known/oauth-protected-resource/" + path, TestContext.Current.CancellationToken);

        Assert.Equal(_host.Issuer + path, document.GetProperty("resource").GetString());
        Assert.Equal([_host.Issuer], document.GetProperty("authorization_servers").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("offline_access", document.GetProperty("scopes_supported").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task RootMetadata_NamesTheEdgeItself()
    {
        var document = await _http.GetFromJsonAsync<JsonElement>(".well-known/oauth-protected-resource", TestContext.Current.CancellationToken);
        Assert.Equal(_host.Issuer, document.GetProperty("resource").GetString());
    }

    [Fact]
    public async Task AlertsMetadata_AdvertisesTheRuleScopes()
    {
        var document = await _http.GetFromJsonAsync<JsonElement>(".well-known/oauth-protected-resource/alerts", TestContext.Current.CancellationToken);
        Assert.Equal(["rules:read", "rules:write", "offline_access"], document.GetProperty("scopes_supported").EnumerateArray().Select(e => e.GetString()));
    }

    [Theory]
    [InlineData("nothing")]
    [InlineData("api/tasks")]
    [InlineData("oauth")]
    [InlineData("mcp/extra")]
    public async Task MetadataForAPathThatIsNoResource_Is404(string path)
    {
        using var response = await _http.GetAsync(".well-known/oauth-protected-resource/" + path, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found", (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("GET", "alerts/rule-1", "alerts")]
    [InlineData("POST", "api/mcp", "api/mcp")]
    [InlineData("GET", "api/tasks", "api")]
    [InlineData("POST", "mcp", "mcp")]
    [InlineData("POST", "", "")]
    [InlineData("GET", "sse", "")]
    [InlineData("POST", "agents/planner/mcp", "")]
    public async Task Unauthorized_NamesTheMetadataOfThePathCalled(string method, string path, string resourcePath)
    {
        using var response = await _http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(Metadata(_host, resourcePath), ResourceMetadata(response));
    }

    /// <summary>
    /// A backend behind the edge (the MCP adapter answering a step-up 403) knows neither the public URL nor the path the
    /// client called: the edge puts the metadata of that path into the challenge and keeps the rest of it.
    /// </summary>
    [Theory]
    [InlineData("api/mcp", "api/mcp")]
    [InlineData("", "")]
    [InlineData("mcp", "mcp")]
    [InlineData("agents/planner/mcp", "")]
    public async Task BackendChallenge_NamesTheMetadataOfThePathCalled(string path, string resourcePath)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var backend = await StartChallengingBackendAsync(ct);
        var routes = Path.Combine(Directory.CreateTempSubdirectory("facade-routes-").FullName, "yarp.json");
        await File.WriteAllTextAsync(routes, $$"""
            { "ReverseProxy": {
                "Routes": {
                  "root": { "ClusterId": "mcp", "Match": { "Path": "/" }, "Transforms": [ { "PathSet": "/mcp" } ] },
                  "api-mcp": { "ClusterId": "mcp", "Match": { "Path": "/api/mcp" }, "Metadata": { "Facade.ResourcePath": "/api/mcp" }, "Transforms": [ { "PathSet": "/mcp" } ] },
                  "api": { "ClusterId": "legacy", "Match": { "Path": "/api/{**rest}" } },
                  "mcp": { "ClusterId": "mcp", "Match": { "Path": "/mcp/{**rest}" } },
                  "agents": { "ClusterId": "mcp", "Match": { "Path": "/agents/{id}/mcp" }, "Transforms": [ { "PathSet": "/mcp" } ] } },
                "Clusters": {
                  "mcp": { "Destinations": { "d": { "Address": "{{backend.Urls.First()}}/" } } },
                  "legacy": { "Destinations": { "d": { "Address": "http://127.0.0.1:9/" } } } } } }
            """, ct);
        await using var host = FacadeHost.Start(settings: new Dictionary<string, string?> { ["Facade:Edge:RoutesFile"] = routes });
        using var oauth = new OAuthTestClient(host.BaseUrl);
        var (_, token) = await oauth.GetTokenAsync("tasks:read", cancellationToken: ct);

        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Authorization = new("Bearer", token.AccessToken);
        using var http = host.CreateHttpClient();
        using var response = await http.SendAsync(request, ct);

        // The /api/mcp route wins over the /api catch-all that would send the call to the legacy backend.
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.Contains("error=\"insufficient_scope\"", challenge);
        Assert.Contains("scope=\"tasks:write\"", challenge);
        Assert.DoesNotContain("internal.example", challenge);
        Assert.Equal(Metadata(host, resourcePath), ResourceMetadata(response));
    }

    private static async Task<WebApplication> StartChallengingBackendAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var backend = builder.Build();
        backend.MapPost("/mcp", (HttpContext context) =>
        {
            context.Response.Headers.WWWAuthenticate =
                "Bearer error=\"insufficient_scope\", scope=\"tasks:write\", resource_metadata=\"http://internal.example:5010/.well-known/oauth-protected-resource/mcp\"";
            return Results.Json(new { error = "insufficient_scope", scope = "tasks:write" }, statusCode: StatusCodes.Status403Forbidden);
        });
        await backend.StartAsync(cancellationToken);
        return backend;
    }

    private static string Metadata(FacadeHost host, string resourcePath) =>
        host.Issuer + ".well-known/oauth-protected-resource" + (resourcePath.Length == 0 ? "" : "/" + resourcePath);

    private static string? ResourceMetadata(HttpResponseMessage response)
    {
        var parameter = Assert.Single(response.Headers.WwwAuthenticate).Parameter ?? "";
        const string name = "resource_metadata=\"";
        var start = parameter.IndexOf(name, StringComparison.Ordinal);
        return start < 0 ? null : parameter[(start + name.Length)..parameter.IndexOf('"', start + name.Length)];
    }
}
