using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Facade.Mocks.LegacyApi;
using Facade.Proxy.Tests.Keys;
using Facade.Proxy.Tests.Realtime;
using Facade.Testing;

namespace Facade.Proxy.Tests.Cluster;

/// <summary>
/// Two edges as two nodes behind a load balancer (<c>Facade:PublicUrl</c> is the first one's address, standing in for
/// the balancer's) over one shared database: a token issued by one works on the other, a revocation or a key deletion
/// on one is honoured by the other within <c>Facade:Ledger:RevocationCheckInterval</c> (the ledger is the shared
/// revocation path), and a refresh token replayed on the other node is detected as reuse. The subclasses choose the
/// database: one SQLite folder (<see cref="TwoEdgesOnSqliteTests"/>) or one PostgreSQL database with each node's own
/// folder (<see cref="TwoEdgesOnPostgreSqlTests"/>, where the Data Protection key ring must come from the database).
/// </summary>
public abstract class TwoEdgesTests : IAsyncLifetime
{
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(30);
    private LegacyApiServer _legacy = null!;

    protected FacadeHost A { get; private set; } = null!;

    protected FacadeHost B { get; private set; } = null!;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Starts the two nodes; B's public URL is A's.</summary>
    protected abstract Task<(FacadeHost A, FacadeHost B)> StartEdgesAsync(string legacyApiUrl);

    public async ValueTask InitializeAsync()
    {
        _legacy = LegacyApiServer.Start();
        (A, B) = await StartEdgesAsync(_legacy.Url);
    }

    public virtual async ValueTask DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
        _legacy.Dispose();
    }

    [Fact]
    public async Task ATokenFromA_WorksOnB_AndARevocationOnB_IsHonouredByA()
    {
        using var oauth = new OAuthTestClient(A.BaseUrl);
        var (client, token) = await oauth.GetTokenAsync("tasks:read", cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(B, token.AccessToken!));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(A, token.AccessToken!));

        await RevokeOnBAsync(client, token.AccessToken!);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(B, token.AccessToken!));
        await UntilAsync(A, token.AccessToken!, HttpStatusCode.Unauthorized);
        TestContext.Current.TestOutputHelper?.WriteLine($"refused by the other node {watch.ElapsedMilliseconds} ms after the revocation answered");
    }

    [Fact]
    public async Task ARefreshTokenReplayedOnTheOtherNode_IsReuse_AndEndsTheFamilyOnBoth()
    {
        using var oauth = new OAuthTestClient(A.BaseUrl);
        var (client, first) = await oauth.GetTokenAsync("tasks:read offline_access", cancellationToken: Ct);
        using var onB = new OAuthTestClient(B.BaseUrl);

        var rotated = await onB.RefreshAsync(client, first.RefreshToken!, cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, rotated.Status);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(A, rotated.AccessToken!));

        var replayed = await oauth.RefreshAsync(client, first.RefreshToken!, cancellationToken: Ct);

        Assert.Equal(HttpStatusCode.BadRequest, replayed.Status);
        await UntilAsync(B, rotated.AccessToken!, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.BadRequest, (await onB.RefreshAsync(client, rotated.RefreshToken!, cancellationToken: Ct)).Status);
    }

    /// <summary>
    /// One refresh token presented on both nodes at once, several times: each grant redeems it in the transaction that
    /// writes its new tokens, so on PostgreSQL the losers wait on the row the winner updates and then find it redeemed.
    /// Exactly one gets tokens; the others get invalid_grant and end the family, the winner's new tokens included.
    /// </summary>
    [Fact]
    public async Task OneRefreshTokenOnBothNodesAtOnce_OneWins_AndTheFamilyEnds()
    {
        using var oauth = new OAuthTestClient(A.BaseUrl);
        var (client, token) = await oauth.GetTokenAsync("tasks:read offline_access", cancellationToken: Ct);
        using var onB = new OAuthTestClient(B.BaseUrl);

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            (i % 2 == 0 ? oauth : onB).RefreshAsync(client, token.RefreshToken!, cancellationToken: Ct)));

        var winner = Assert.Single(results, r => r.Status == HttpStatusCode.OK);
        Assert.All(results.Where(r => r != winner), r => Assert.Equal("invalid_grant", r.Error));
        await UntilAsync(A, winner.AccessToken!, HttpStatusCode.Unauthorized);
        await UntilAsync(B, winner.AccessToken!, HttpStatusCode.Unauthorized);
        Assert.Equal("invalid_grant", (await onB.RefreshAsync(client, winner.RefreshToken!, cancellationToken: Ct)).Error);
    }

    [Fact]
    public async Task ARealtimeSocketOnA_IsClosed_WhenItsTokenIsRevokedOnB()
    {
        using var oauth = new OAuthTestClient(A.BaseUrl);
        var (client, token) = await oauth.GetTokenAsync("tasks:read", cancellationToken: Ct);
        await using var socket = await RealtimeClient.ConnectAsync(new Uri($"ws://{A.BaseUrl.Authority}/realtime"),
            options => options.SetRequestHeader("Authorization", "Bearer " + token.AccessToken));

        await RevokeOnBAsync(client, token.AccessToken!);

        Assert.Equal((WebSocketCloseStatus)4403, await socket.ReceiveCloseAsync());
        Assert.Equal("token_revoked", socket.Socket.CloseStatusDescription);
    }

    [Fact]
    public async Task AKeyDeletedOnA_IsRefusedOnB()
    {
        using var oauth = new OAuthTestClient(A.BaseUrl);
        var (_, manager) = await oauth.GetTokenAsync("tasks:read keys:write", cancellationToken: Ct);
        using var http = A.CreateHttpClient();
        using var create = new HttpRequestMessage(HttpMethod.Post, "account/keys")
        {
            Content = JsonContent.Create(new { label = "two-nodes", scopes = new[] { "tasks:read" } }),
        };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", manager.AccessToken);
        using var created = await http.SendAsync(create, Ct);
        var body = await created.Content.ReadAsStringAsync(Ct);
        Assert.True(created.StatusCode == HttpStatusCode.Created, body);
        var json = JsonDocument.Parse(body).RootElement;
        var (id, key) = (json.GetProperty("id").GetString()!, json.GetProperty("key").GetString()!);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(B, key));

        using var delete = new HttpRequestMessage(HttpMethod.Delete, "account/keys/" + id);
        delete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", manager.AccessToken);
        using var deleted = await http.SendAsync(delete, Ct);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(A, key));
        await UntilAsync(B, key, HttpStatusCode.Unauthorized);
        TestContext.Current.TestOutputHelper?.WriteLine($"key refused by the other node {watch.ElapsedMilliseconds} ms after the deletion answered");
    }

    /// <summary>The client revokes its access token at node B (RFC 7009).</summary>
    protected async Task RevokeOnBAsync(RegisteredClient client, string accessToken)
    {
        using var http = B.CreateHttpClient();
        using var revoked = await http.PostAsync("oauth/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = accessToken,
            ["client_id"] = client.ClientId,
        }), Ct);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
    }

    protected static async Task<HttpStatusCode> StatusAsync(FacadeHost edge, string accessToken)
    {
        using var http = edge.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/tasks");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await http.SendAsync(request, Ct);
        return response.StatusCode;
    }

    /// <summary>Until <paramref name="edge"/> answers <paramref name="expected"/> for the token (a generous deadline, no timing assert).</summary>
    protected static async Task UntilAsync(FacadeHost edge, string accessToken, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow + Propagation;
        HttpStatusCode status;
        while ((status = await StatusAsync(edge, accessToken)) != expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{edge.BaseUrl} still answers {status}, expected {expected}.");
            await Task.Delay(50, Ct);
        }
    }
}

/// <summary>Both nodes on one data folder: one SQLite file, one key folder.</summary>
public sealed class TwoEdgesOnSqliteTests : TwoEdgesTests
{
    protected override Task<(FacadeHost A, FacadeHost B)> StartEdgesAsync(string legacyApiUrl)
    {
        var a = FacadeHost.Start(legacyApiUrl);
        var b = FacadeHost.Start(legacyApiUrl, new Dictionary<string, string?> { ["Facade:PublicUrl"] = a.BaseUrl.AbsoluteUri }, dataDirectory: a.DataDirectory);
        b.KeepData = true; // A's folder: A removes it
        return Task.FromResult((a, b));
    }
}

/// <summary>Both nodes on one PostgreSQL database, each with a data folder of its own (nothing shared on disk).</summary>
public sealed class TwoEdgesOnPostgreSqlTests : TwoEdgesTests, IDisposable
{
    private readonly DirectoryInfo _certificates = Directory.CreateTempSubdirectory("facade-cluster-keys-");

    public void Dispose() => _certificates.Delete(recursive: true);

    protected override async Task<(FacadeHost A, FacadeHost B)> StartEdgesAsync(string legacyApiUrl)
    {
        var settings = await ClusterSettings.PostgreSqlAsync(_certificates);
        var a = FacadeHost.Start(legacyApiUrl, settings);
        return (a, FacadeHost.Start(legacyApiUrl, new Dictionary<string, string?>(settings) { ["Facade:PublicUrl"] = a.BaseUrl.AbsoluteUri }));
    }
}

/// <summary>What every node of a real cluster on PostgreSQL is given.</summary>
internal static class ClusterSettings
{
    /// <summary>A new database on the shared test server, one signing certificate and one API key pepper for all nodes.</summary>
    public static async Task<Dictionary<string, string?>> PostgreSqlAsync(DirectoryInfo certificates)
    {
        var server = await PostgreSqlServer.SharedAsync();
        return new Dictionary<string, string?>
        {
            ["Facade:DatabaseProvider"] = "PostgreSql",
            ["Facade:ConnectionString"] = await server.CreateDatabaseAsync(TestContext.Current.CancellationToken),
            ["Facade:Keys:SigningCertificates:0:Path"] = TestCertificates.CreatePfx(certificates.FullName, "signing", TimeSpan.FromDays(30)),
            ["Facade:ApiKeys:HashKey"] = "cluster-wide-api-key-pepper-0123456789",
        };
    }
}
