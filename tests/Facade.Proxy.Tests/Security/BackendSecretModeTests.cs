using System.Net;

namespace Facade.Proxy.Tests.Security;

/// <summary>The legacy cluster switched to <c>backend-secret</c> mode through configuration, over yarp.json.</summary>
public sealed class BackendSecretModeFixture : EdgeFixture
{
    public const string Secret = "s3cr3t";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ReverseProxy:Clusters:legacy:Metadata:Facade.UpstreamToken"] = "backend-secret",
        ["ReverseProxy:Clusters:legacy:Metadata:Facade.BackendSecret"] = "Backends:LegacyKey",
        ["Backends:LegacyKey"] = Secret,
    };
}

/// <summary>
/// In <c>backend-secret</c> mode the backend gets the edge's own secret for it instead of the caller's token, and only that
/// secret: a key the client sends itself is replaced, not passed along beside it.
/// </summary>
public sealed class BackendSecretModeTests(BackendSecretModeFixture fixture) : IClassFixture<BackendSecretModeFixture>
{
    [Theory]
    [InlineData(null)]
    [InlineData("X-Api-Key")]
    [InlineData("x-api-key")]
    public async Task Backend_GetsOnlyTheConfiguredKey_NeverTheToken(string? spoofedKeyHeader)
    {
        var token = await fixture.SharedAccessTokenAsync("tasks:read");
        var headers = new List<KeyValuePair<string, string>> { new("X-Facade-Subject", "admin") };
        if (spoofedKeyHeader is not null)
        {
            headers.Add(new(spoofedKeyHeader, "attacker-key"));
        }

        var (response, probe) = await fixture.SendBearerAsync(HttpMethod.Get, "api/tasks", token, headers);
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            SecurityAssert.NoLeak(body, BackendSecretModeFixture.Secret);
            Assert.False(response.Headers.Concat(response.Content.Headers).Any(h => h.Value.Any(v => v.Contains(BackendSecretModeFixture.Secret, StringComparison.Ordinal))),
                "The backend secret came back to the client.");
        }

        var received = fixture.BackendRequest(probe);
        Assert.NotNull(received);
        Assert.Equal(BackendSecretModeFixture.Secret, received.Header("X-Api-Key"));
        Assert.False(received.HasHeader("Authorization"), "The bearer token reached a backend-secret backend.");
        Assert.False(received.HasHeader("X-Facade-Subject"));
    }

    [Fact]
    public async Task WithoutToken_TheKeyIsNeverUsed()
    {
        var (response, probe) = await fixture.SendAsync(HttpMethod.Get, "api/tasks", authorization: null);
        using (response)
        {
            await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.Unauthorized, "unauthorized", BackendSecretModeFixture.Secret);
        }

        Assert.Null(fixture.BackendRequest(probe));
    }
}
