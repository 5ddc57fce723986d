using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Facade.Mocks.LegacyApi;
using Facade.Proxy.Tests.EndToEnd;
using Facade.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Facade.Proxy.Tests.Edge;

/// <summary>Backend failures, hot reload and fail-closed routes file validation, over real sockets.</summary>
public sealed class EdgeRoutingTests
{
    [Fact]
    public async Task ProxyAsync_BackendDown_Returns502Json()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = FacadeHost.Start($"http://127.0.0.1:{UnusedPort()}/");
        using var oauth = new OAuthTestClient(host.BaseUrl);
        var (_, token) = await oauth.GetTokenAsync("tasks:read", cancellationToken: ct);

        using var response = await OAuthFlowTests.Send(oauth.Api, HttpMethod.Get, "api/tasks", token.AccessToken!, ct);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.Equal("bad_gateway", JsonDocument.Parse(text).RootElement.GetProperty("error").GetString());
        Assert.DoesNotContain("127.0.0.1", text);
        Assert.DoesNotContain("Exception", text);
    }

    [Fact]
    public async Task ProxyAsync_SlowBackend_Returns504Json()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using var slow = builder.Build();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        slow.MapGet("/api/tasks", async () =>
        {
            await release.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return Results.Ok();
        });
        await slow.StartAsync(ct);

        await using var host = FacadeHost.Start(slow.Urls.First() + "/", new Dictionary<string, string?>
        {
            ["ReverseProxy:Clusters:legacy:HttpRequest:ActivityTimeout"] = "00:00:01",
        });
        using var oauth = new OAuthTestClient(host.BaseUrl);
        var (_, token) = await oauth.GetTokenAsync("tasks:read", cancellationToken: ct);

        using var response = await OAuthFlowTests.Send(oauth.Api, HttpMethod.Get, "api/tasks", token.AccessToken!, ct);
        release.SetResult();

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal("gateway_timeout", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task RoutesFile_HotReload_AppliesNewScopesWithoutRestart()
    {
        var ct = TestContext.Current.CancellationToken;
        using var legacy = LegacyApiServer.Start();
        var routes = Path.Combine(Directory.CreateTempSubdirectory("facade-routes-").FullName, "yarp.json");
        await File.WriteAllTextAsync(routes, RoutesJson(legacy.Url, "tasks:read"), ct);
        await using var host = FacadeHost.Start(settings: new Dictionary<string, string?> { ["Facade:Edge:RoutesFile"] = routes });
        using var oauth = new OAuthTestClient(host.BaseUrl);
        var (_, token) = await oauth.GetTokenAsync("tasks:read", cancellationToken: ct);

        using (var before = await OAuthFlowTests.Send(oauth.Api, HttpMethod.Get, "api/tasks", token.AccessToken!, ct))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await File.WriteAllTextAsync(routes, RoutesJson(legacy.Url, "tasks:write"), ct);

        // File watching is asynchronous: poll until the new policy is in force, bounded by a deadline.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        HttpStatusCode status;
        do
        {
            using var after = await OAuthFlowTests.Send(oauth.Api, HttpMethod.Get, "api/tasks", token.AccessToken!, ct);
            status = after.StatusCode;
            if (status == HttpStatusCode.Forbidden)
            {
                Assert.Contains("scope=\"tasks:write\"", after.Headers.WwwAuthenticate.ToString());
                break;
            }

            await Task.Delay(100, ct);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Theory]
    [InlineData("\"Facade.Scopes\": \"tasks:admin\"", "", "tasks:admin")]
    [InlineData("\"Facade.Auth\": \"maybe\"", "", "Facade.Auth")]
    [InlineData("", "\"Facade.UpstreamToken\": \"magic\"", "magic")]
    [InlineData("", "\"Facade.UpstreamToken\": \"identity\"", "IdentitySigningKey")]
    [InlineData("", "\"Facade.UpstreamToken\": \"backend-secret\"", "Facade.BackendSecret")]
    [InlineData("", "\"Facade.UpstreamToken\": \"api-key\"", "'api-key' was renamed to 'backend-secret'")]
    [InlineData("", "\"Facade.UpstreamToken\": \"backend-secret\", \"Facade.ApiKeySecret\": \"X\"", "Facade.ApiKeySecret was renamed to Facade.BackendSecret")]
    [InlineData("\"Facade.ResourcePath\": \"api/mcp\"", "", "Facade.ResourcePath")]
    [InlineData("\"Facade.ResourcePath\": \"/api/../oauth\"", "", "Facade.ResourcePath")]
    [InlineData("\"Facade.ResourcePath\": \"/api//mcp\"", "", "Facade.ResourcePath")]
    [InlineData("\"Facade.ResourcePath\": \"/api/mcp?x=1\"", "", "Facade.ResourcePath")]
    [InlineData("\"Facade.ResourcePath\": \"/.well-known/x\"", "", "Facade.ResourcePath")]
    [InlineData("\"Facade.ResourcePath\": \"/oauth/token\"", "", "Facade.ResourcePath")]
    public async Task RoutesFile_WithUnknownValues_StopsTheEdgeAtStart(string routeMetadata, string clusterMetadata, string message)
    {
        var routes = Path.Combine(Directory.CreateTempSubdirectory("facade-routes-").FullName, "yarp.json");
        await File.WriteAllTextAsync(routes, $$"""
            { "ReverseProxy": {
                "Routes": { "r": { "ClusterId": "c", "Match": { "Path": "/api/{**rest}" }, "Metadata": { {{routeMetadata}} } } },
                "Clusters": { "c": { "Destinations": { "d": { "Address": "http://127.0.0.1:9/" } }, "Metadata": { {{clusterMetadata}} } } } } }
            """, TestContext.Current.CancellationToken);

        var error = Assert.ThrowsAny<Exception>(() => FacadeHost.Start(settings: new Dictionary<string, string?> { ["Facade:Edge:RoutesFile"] = routes }).Dispose());
        Assert.Contains(message, Flatten(error));
    }

    private static string Flatten(Exception exception) =>
        exception.InnerException is null ? exception.Message : exception.Message + " | " + Flatten(exception.InnerException);

    [Fact]
    public async Task CatchAllRoute_NeverTakesOverTheAuthorizationServer()
    {
        // Proxied requests skip the site pipeline (OpenIddict, cookies); the edge's own paths must never count as
        // proxied, whatever a route pattern matches.
        var ct = TestContext.Current.CancellationToken;
        using var legacy = LegacyApiServer.Start();
        var routes = Path.Combine(Directory.CreateTempSubdirectory("facade-routes-").FullName, "yarp.json");
        await File.WriteAllTextAsync(routes, $$"""
            { "ReverseProxy": {
                "Routes": { "everything": { "ClusterId": "legacy", "Match": { "Path": "/{**rest}" }, "Metadata": { "Facade.Auth": "anonymous" } } },
                "Clusters": { "legacy": { "Destinations": { "primary": { "Address": "{{legacy.Url}}" } } } } } }
            """, ct);
        await using var host = FacadeHost.Start(settings: new Dictionary<string, string?> { ["Facade:Edge:RoutesFile"] = routes });
        using var http = host.CreateHttpClient();

        using (var discovery = await http.GetAsync(".well-known/openid-configuration", ct))
        {
            Assert.Equal(HttpStatusCode.OK, discovery.StatusCode);
            var metadata = await discovery.Content.ReadFromJsonAsync<JsonElement>(ct);
            Assert.Equal(host.Issuer, metadata.GetProperty("issuer").GetString());
        }

        using (var jwks = await http.GetAsync("oauth/jwks", ct))
        {
            Assert.Equal(HttpStatusCode.OK, jwks.StatusCode);
            Assert.True((await jwks.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("keys").GetArrayLength() > 0);
        }

        using (var token = await http.PostAsync("oauth/token", new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "password" }), ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, token.StatusCode);
            Assert.Equal("application/json", token.Content.Headers.ContentType?.MediaType);
        }

        // Everything else is the route's: the mock itself answers (its own 401 without a token).
        using (var proxied = await http.GetAsync("api/organizations", ct))
        {
            Assert.Contains(legacy.Requests, r => r.Path == "/api/organizations");
        }

        Assert.DoesNotContain(legacy.Requests, r => r.Path.StartsWith("/oauth", StringComparison.Ordinal) || r.Path.StartsWith("/.well-known", StringComparison.Ordinal));
    }

    private static string RoutesJson(string backend, string scope) => $$"""
        { "ReverseProxy": {
            "Routes": { "tasks": { "ClusterId": "legacy", "Match": { "Path": "/api/tasks/{**rest}" }, "Metadata": { "Facade.Scopes": "{{scope}}" } } },
            "Clusters": { "legacy": { "Destinations": { "primary": { "Address": "{{backend}}" } } } } } }
        """;

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
