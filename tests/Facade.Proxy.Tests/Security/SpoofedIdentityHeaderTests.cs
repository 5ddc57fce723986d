using System.Net;

namespace Facade.Proxy.Tests.Security;

/// <summary>
/// Client-supplied identity headers never reach a backend (docs/architecture.md, upstream modes): every <c>X-Facade-*</c>
/// header and the usual auth-proxy user headers are stripped, whatever their case, and also when spelled with
/// underscores (CGI-style backends such as PHP, WSGI or Django read <c>X_Facade_Subject</c> as
/// <c>X-Facade-Subject</c>). That includes what oauth2-proxy, Authelia and other auth proxies send (<c>X-Auth-Request-*</c>,
/// <c>Remote-*</c>, <c>X-Forwarded-Email</c> …) and client addresses (<c>Forwarded</c>, <c>X-Real-IP</c>). In the default
/// <c>forward</c> mode the caller's bearer token is forwarded unchanged.
/// </summary>
public sealed class SpoofedIdentityHeaderTests(EdgeFixture fixture) : IClassFixture<EdgeFixture>
{
    public static TheoryData<string> SpoofedHeaders =>
    [
        "X-Facade-Subject", "X-Facade-Client", "X-Facade-Scopes", "X-Facade-Timestamp", "X-FACADE-SIGNATURE", "x-facade-anything",
        "X-Forwarded-User", "X-Remote-User", "X-User", "X-Auth-Request-User", "X-Auth-Request-Email", "Remote-User",
        "X_Facade_Subject", "x_facade_scopes", "X-Facade_Subject", "X_Forwarded_User", "Remote_User",
        "Forwarded", "X-Real-IP", "X-Forwarded-Email", "X-Forwarded-Groups", "X-Forwarded-Access-Token", "X-Forwarded-Preferred-Username",
        "X-Auth-Request-Groups", "X-Auth-Request-Access-Token", "X-Auth-Request-Preferred-Username", "Remote-Email", "Remote-Groups", "Remote-Name",
        "x_real_ip", "X_Forwarded_Email", "x-auth-request_groups", "REMOTE_GROUPS",
    ];

    [Theory]
    [MemberData(nameof(SpoofedHeaders))]
    public async Task SpoofedHeader_IsStripped_TokenIsForwarded(string header)
    {
        var token = await fixture.SharedAccessTokenAsync("tasks:read");
        var (response, probe) = await fixture.SendBearerAsync(HttpMethod.Get, "api/tasks", token, [new(header, "admin")]);
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var received = fixture.BackendRequest(probe);
        Assert.NotNull(received);
        AssertNoHeaderLike(received, header);
        Assert.Equal("Bearer " + token, received.Header("Authorization"));
    }

    [Fact]
    public async Task AllSpoofedHeadersAtOnce_AreStripped()
    {
        var token = await fixture.SharedAccessTokenAsync("tasks:read");
        var (response, probe) = await fixture.SendBearerAsync(HttpMethod.Get, "api/tasks", token,
            SpoofedHeaders.Select(h => new KeyValuePair<string, string>(h.Data, "admin")).ToList());
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var received = fixture.BackendRequest(probe);
        Assert.NotNull(received);
        foreach (var header in SpoofedHeaders)
        {
            AssertNoHeaderLike(received, header.Data);
        }

        Assert.DoesNotContain(received.Headers, h => h.Value.Contains("admin"));
    }

    [Fact]
    public async Task SpoofedHeaders_WithoutToken_NeverReachTheBackend()
    {
        var (response, probe) = await fixture.SendAsync(HttpMethod.Get, "api/tasks", authorization: null,
            [new("X-Facade-Subject", "admin"), new("X-Forwarded-User", "admin")]);
        using (response)
        {
            await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        }

        Assert.Null(fixture.BackendRequest(probe));
    }

    /// <summary>No header the backend could read as <paramref name="name"/> (case-insensitive, '_' read as '-').</summary>
    internal static void AssertNoHeaderLike(Mocks.LegacyApi.RecordedRequest received, string name)
    {
        static string Normalize(string header) => header.Replace('_', '-').ToUpperInvariant();
        var leaked = received.Headers.Keys.Where(k => Normalize(k) == Normalize(name)).ToList();
        Assert.True(leaked.Count == 0, $"The backend received {string.Join(", ", leaked)}.");
    }
}
