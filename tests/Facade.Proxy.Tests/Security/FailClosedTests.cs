using System.Net;
using Facade.Testing;
using Microsoft.Data.Sqlite;

namespace Facade.Proxy.Tests.Security;

/// <summary>
/// When the token ledger cannot be read the edge fails closed: 503 <c>introspection_unavailable</c> with
/// <c>Retry-After</c>, never a forwarded request, and nothing of the database error in the answer. The host's SQLite
/// file is replaced with garbage while it runs, as a disk or volume failure would leave it; the host is this class's
/// alone.
/// </summary>
public sealed class LedgerUnavailableTests(EdgeFixture fixture) : IClassFixture<EdgeFixture>
{
    [Fact]
    public async Task UncheckableToken_Is503IntrospectionUnavailable_AndNeverForwarded()
    {
        // A correctly signed token the ledger has not seen in this process (e.g. issued by another edge instance),
        // so the edge must ask the database.
        var token = TestTokens.AccessToken(fixture.Host.Issuer, "tasks:read").Sign(fixture.SigningKey);
        var (before, _) = await fixture.SendBearerAsync(HttpMethod.Get, "api/tasks", token);
        using (before)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, before.StatusCode);
        }

        BreakDatabase();
        var unknown = TestTokens.AccessToken(fixture.Host.Issuer, "tasks:read").Sign(fixture.SigningKey);
        var (response, probe) = await fixture.SendBearerAsync(HttpMethod.Get, "api/tasks", unknown);
        using (response)
        {
            var body = await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.ServiceUnavailable, "introspection_unavailable", unknown, "not a database");
            Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("error_description").GetString()));
            Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        }

        Assert.Null(fixture.BackendRequest(probe));

        // Without a token there is nothing to check: still the plain 401 challenge.
        var (anonymous, _) = await fixture.SendAsync(HttpMethod.Get, "api/tasks", authorization: null);
        using (anonymous)
        {
            await SecurityAssert.JsonErrorAsync(anonymous, HttpStatusCode.Unauthorized, "unauthorized");
        }
    }

    private void BreakDatabase()
    {
        var database = Path.Combine(fixture.Host.DataDirectory, "facade.db");
        Assert.True(File.Exists(database), $"No database at {database}.");
        foreach (var file in new[] { database, database + "-wal", database + "-shm" })
        {
            File.Delete(file);
        }

        // Idle pooled connections still hold the deleted file open; the next query must open the path afresh.
        SqliteConnection.ClearAllPools();
        File.WriteAllText(database, "this is not a database, it is what a failed disk left behind\n");
    }
}

/// <summary>An edge whose legacy cluster points at a port nothing listens on.</summary>
public sealed class DeadBackendFixture : EdgeFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ReverseProxy:Clusters:legacy:Destinations:primary:Address"] = "http://127.0.0.1:1/",
    };
}

/// <summary>A backend that cannot be reached is a JSON 502 that says so and nothing more (no address, no exception).</summary>
public sealed class BackendUnavailableTests(DeadBackendFixture fixture) : IClassFixture<DeadBackendFixture>
{
    [Fact]
    public async Task UnreachableBackend_Is502Json_WithoutInternals()
    {
        var token = TestTokens.AccessToken(fixture.Host.Issuer, "tasks:read");
        await fixture.RecordAsync(token);
        var (response, _) = await fixture.SendBearerAsync(HttpMethod.Get, "api/tasks", token.Sign(fixture.SigningKey));
        using (response)
        {
            await SecurityAssert.JsonErrorAsync(response, HttpStatusCode.BadGateway, "bad_gateway", "127.0.0.1:1", "Connection refused", "refused");
        }
    }
}
