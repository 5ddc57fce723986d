using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Facade.Mocks.LegacyApi;
using Facade.Testing;

namespace Facade.Proxy.Tests.Cluster;

/// <summary>
/// Fault drill: the edge's PostgreSQL server dies and comes back. While it is down a token that must be checked is
/// answered 503 <c>introspection_unavailable</c> with <c>Retry-After</c> (fail closed, never accepted unchecked); once it
/// is back the edge recovers on its own and nothing committed before the crash is lost (the same access token and the
/// same refresh token still work). A server of its own, not the shared one: it is killed.
/// </summary>
public sealed class PostgreSqlRestartTests : IAsyncLifetime
{
    private PostgreSqlServer _server = null!;
    private LegacyApiServer _legacy = null!;
    private FacadeHost _edge = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await PostgreSqlServer.StartAsync();
        _legacy = LegacyApiServer.Start();
        _edge = FacadeHost.Start(_legacy.Url, new Dictionary<string, string?>
        {
            ["Facade:DatabaseProvider"] = "PostgreSql",
            ["Facade:ConnectionString"] = await _server.CreateDatabaseAsync(Ct),
            ["Facade:Ledger:RevocationCheckInterval"] = "00:00:00", // every request reads the ledger: the outage shows at once
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _edge.DisposeAsync();
        _legacy.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task WhileTheDatabaseIsDown_TokensAre503_AndAfterItsRestartNothingIsLost()
    {
        using var oauth = new OAuthTestClient(_edge.BaseUrl);
        var (client, token) = await oauth.GetTokenAsync("tasks:read offline_access", cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, (await GetTasksAsync(token.AccessToken!)).Status);

        await _server.KillAsync();

        var (status, body, retryAfter) = await GetTasksAsync(token.AccessToken!);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("introspection_unavailable", JsonDocument.Parse(body).RootElement.GetProperty("error").GetString());
        Assert.NotNull(retryAfter);
        Assert.DoesNotContain("Npgsql", body, StringComparison.Ordinal);

        await _server.StartAgainAsync();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((status = (await GetTasksAsync(token.AccessToken!)).Status) != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the edge still answers {status} after the database came back");
            await Task.Delay(100, Ct);
        }

        var refreshed = await oauth.RefreshAsync(client, token.RefreshToken!, cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, refreshed.Status);
        Assert.Equal(HttpStatusCode.OK, (await GetTasksAsync(refreshed.AccessToken!)).Status);
    }

    private async Task<(HttpStatusCode Status, string Body, RetryConditionHeaderValue? RetryAfter)> GetTasksAsync(string accessToken)
    {
        using var http = _edge.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/tasks");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await http.SendAsync(request, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct), response.Headers.RetryAfter);
    }
}
