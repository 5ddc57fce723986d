using System.Net;
using Facade.Mocks.LegacyApi;
using Facade.Proxy.Cluster;
using Facade.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Facade.Proxy.Tests.Cluster;

/// <summary>
/// Two edges on PostgreSQL with the Redis revocation bus, against a real Redis. The nodes are told to trust a
/// remembered token for five minutes while the bus is up (<c>Facade:Redis:TrustWhileConnected</c>), so a revocation
/// made on one node can only reach the other within the tests' deadline over the bus; with Redis killed, only because
/// the node falls back to reading the ledger (fail closed). The cluster tests of <see cref="TwoEdgesTests"/> run here too.
/// </summary>
public sealed class RevocationBusTests : TwoEdgesTests, IDisposable
{
    private readonly DirectoryInfo _certificates = Directory.CreateTempSubdirectory("facade-cluster-keys-");
    private RedisServer _redis = null!;
    private Dictionary<string, string?> _settings = null!;

    public void Dispose() => _certificates.Delete(recursive: true);

    protected override async Task<(FacadeHost A, FacadeHost B)> StartEdgesAsync(string legacyApiUrl)
    {
        _redis = await RedisServer.StartAsync();
        var settings = await ClusterSettings.PostgreSqlAsync(_certificates);
        settings["Facade:Redis:Configuration"] = _redis.Configuration;
        settings["Facade:Redis:TrustWhileConnected"] = "00:05:00";
        _settings = settings;
        var a = FacadeHost.Start(legacyApiUrl, settings);
        return (a, FacadeHost.Start(legacyApiUrl, new Dictionary<string, string?>(settings) { ["Facade:PublicUrl"] = a.BaseUrl.AbsoluteUri }));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task ARevocationOnB_ReachesA_OverTheBus()
    {
        await UntilConnectedAsync(A, true);
        await UntilConnectedAsync(B, true);
        var (client, token) = await TokenUsedOnAAsync();

        await RevokedOnBAsync(client, token);

        await UntilAsync(A, token, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AUserLockedByTheAdminCommand_LosesTheirTokensOnEveryNode_OverTheBus()
    {
        await UntilConnectedAsync(A, true);
        var (_, token) = await TokenUsedOnAAsync();
        var data = Directory.CreateTempSubdirectory("facade-admin-").FullName;
        var output = new StringWriter();

        var exit = await Facade.Proxy.Admin.AdminCommands.RunAsync(
            ["users", "lock", "demo", "--environment=Development", $"--Facade:DataDirectory={data}",
                .. _settings.Select(setting => $"--{setting.Key}={setting.Value}")],
            new StringReader(""), output);

        Assert.True(exit == 0, output.ToString());
        await UntilAsync(A, token, HttpStatusCode.Unauthorized);
        await UntilAsync(B, token, HttpStatusCode.Unauthorized);
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task WithRedisDown_ANodeReadsTheLedger_AndCatchesUpWhenRedisReturns()
    {
        await UntilConnectedAsync(A, true);
        await _redis.KillAsync();
        await UntilConnectedAsync(A, false);
        await UntilConnectedAsync(B, false);
        var (client, token) = await TokenUsedOnAAsync();

        await RevokedOnBAsync(client, token); // published nowhere

        await UntilAsync(A, token, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, await HealthStatusAsync(A, "healthz/live"));

        await _redis.StartAgainAsync();
        await UntilConnectedAsync(A, true);
        await UntilConnectedAsync(B, true);
        var (secondClient, second) = await TokenUsedOnAAsync();
        await RevokedOnBAsync(secondClient, second);
        await UntilAsync(A, second, HttpStatusCode.Unauthorized);
    }

    private async Task<(RegisteredClient Client, string AccessToken)> TokenUsedOnAAsync()
    {
        using var oauth = new OAuthTestClient(A.BaseUrl);
        var (client, token) = await oauth.GetTokenAsync("tasks:read", cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(A, token.AccessToken!)); // now remembered as active on A
        return (client, token.AccessToken!);
    }

    /// <summary>Revoked at B, which refuses the token at once (its own revocation).</summary>
    private async Task RevokedOnBAsync(RegisteredClient client, string accessToken)
    {
        await RevokeOnBAsync(client, accessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(B, accessToken));
    }

    private static async Task<HttpStatusCode> HealthStatusAsync(FacadeHost edge, string path)
    {
        using var http = edge.CreateHttpClient();
        using var response = await http.GetAsync(path, Ct);
        return response.StatusCode;
    }

    private static async Task UntilConnectedAsync(FacadeHost edge, bool connected)
    {
        var bus = edge.Services.GetRequiredService<RedisRevocationBus>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (bus.Connected != connected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{edge.BaseUrl}: the revocation bus is still {(connected ? "not connected" : "connected")}.");
            await Task.Delay(50, Ct);
        }
    }
}
