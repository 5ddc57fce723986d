using Facade.Testing;

namespace Facade.Proxy.Tests.Security;

/// <summary>
/// A client cannot tell a backend where a request came from: client-sent <c>X-Forwarded-*</c> and <c>Forwarded</c>
/// headers are stripped, and YARP then sets <c>X-Forwarded-For/-Proto/-Host</c> from what the edge itself saw, even on
/// a route that asks YARP to append. Only a configured trusted proxy's <c>X-Forwarded-For</c> is believed.
/// </summary>
public sealed class ForwardedHeaderTests(EdgeFixture fixture) : IClassFixture<EdgeFixture>
{
    private static readonly KeyValuePair<string, string>[] Spoofed =
    [
        new("X-Forwarded-For", "203.0.113.7"), new("X-Forwarded-Host", "evil.example"), new("X-Forwarded-Proto", "https"),
        new("X-Forwarded-Prefix", "/admin"), new("X-Forwarded-Port", "8443"), new("X-Forwarded-Ssl", "on"), new("X-Forwarded-Server", "evil"),
        new("Forwarded", "for=203.0.113.7;proto=https;host=evil.example"),
    ];

    [Fact]
    public async Task ClientForwardedHeaders_AreReplacedByWhatTheEdgeSaw()
    {
        var token = await fixture.SharedAccessTokenAsync("tasks:read");
        var (response, probe) = await fixture.SendBearerAsync(HttpMethod.Get, "api/tasks", token, Spoofed);
        response.Dispose();

        AssertOnlyTheEdgesView(fixture.BackendRequest(probe), fixture.Host.BaseUrl);
    }

    [Fact]
    public async Task RouteAskingYarpToAppend_StillCarriesNoClientValues()
    {
        var ct = TestContext.Current.CancellationToken;
        var routes = Path.Combine(Directory.CreateTempSubdirectory("facade-routes-").FullName, "yarp.json");
        await File.WriteAllTextAsync(routes, $$"""
            { "ReverseProxy": {
                "Routes": { "tasks": { "ClusterId": "legacy", "Match": { "Path": "/api/tasks/{**rest}" }, "Metadata": { "Facade.Scopes": "tasks:read" },
                                       "Transforms": [ { "X-Forwarded": "Append" } ] } },
                "Clusters": { "legacy": { "Destinations": { "primary": { "Address": "{{fixture.Legacy.Url}}" } } } } } }
            """, ct);
        await using var host = FacadeHost.Start(settings: new Dictionary<string, string?> { ["Facade:Edge:RoutesFile"] = routes });
        using var oauth = new OAuthTestClient(host.BaseUrl);
        var (_, token) = await oauth.GetTokenAsync("tasks:read", cancellationToken: ct);

        var probe = await SendAsync(host, token.AccessToken!, Spoofed);

        AssertOnlyTheEdgesView(fixture.Legacy.Requests.SingleOrDefault(r => r.Header(EdgeFixture.ProbeHeader) == probe), host.BaseUrl);
    }

    [Fact]
    public async Task TrustedProxy_ItsForwardedFor_IsPassedOn_WhatItWasToldIsNot()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = FacadeHost.Start(fixture.Legacy.Url, new Dictionary<string, string?> { ["Facade:Edge:TrustedProxies:0"] = "127.0.0.1" });
        using var oauth = new OAuthTestClient(host.BaseUrl);
        var (_, token) = await oauth.GetTokenAsync("tasks:read", cancellationToken: ct);

        // The proxy (127.0.0.1) appended the address it saw; what its client claimed before that is not believed.
        var probe = await SendAsync(host, token.AccessToken!, [new("X-Forwarded-For", "198.51.100.1, 203.0.113.7")]);

        var received = fixture.Legacy.Requests.SingleOrDefault(r => r.Header(EdgeFixture.ProbeHeader) == probe);
        Assert.NotNull(received);
        Assert.Equal("203.0.113.7", received.Header("X-Forwarded-For"));
    }

    private static void AssertOnlyTheEdgesView(Mocks.LegacyApi.RecordedRequest? received, Uri edge)
    {
        Assert.NotNull(received);
        Assert.Equal("127.0.0.1", received.Header("X-Forwarded-For"));
        Assert.Equal("http", received.Header("X-Forwarded-Proto"));
        Assert.Equal(edge.Authority, received.Header("X-Forwarded-Host"));
        foreach (var header in new[] { "X-Forwarded-Prefix", "X-Forwarded-Port", "X-Forwarded-Ssl", "X-Forwarded-Server", "Forwarded" })
        {
            SpoofedIdentityHeaderTests.AssertNoHeaderLike(received, header);
        }

        Assert.DoesNotContain(received.Headers.Values.SelectMany(v => v), v => v.Contains("203.0.113.7", StringComparison.Ordinal) || v.Contains("evil", StringComparison.Ordinal));
    }

    private static async Task<string> SendAsync(FacadeHost host, string token, IEnumerable<KeyValuePair<string, string>> headers)
    {
        var probe = Guid.NewGuid().ToString("N");
        using var http = host.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/tasks");
        request.Headers.Add(EdgeFixture.ProbeHeader, probe);
        request.Headers.Add("Authorization", "Bearer " + token);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        return probe;
    }
}
