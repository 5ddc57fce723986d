using System.Net;
using System.Net.Http.Headers;
using Facade.Mocks.LegacyApi;
using Facade.Proxy.Cluster;
using Facade.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Facade.Proxy.Tests.Cluster;

/// <summary>
/// Two edges with Redis share a caller's rate-limit window: with 10 requests an hour, a caller alternating between the
/// nodes gets 10 answers in all, not 10 from each, then 429 with <c>Retry-After</c> on both. Each request waits until
/// both nodes have synced with Redis (their counters, not the clock, say when), so the count is exact.
/// </summary>
public sealed class SharedRateLimitTests : IAsyncLifetime, IDisposable
{
    private const int Limit = 10;
    private readonly DirectoryInfo _certificates = Directory.CreateTempSubdirectory("facade-cluster-keys-");
    private RedisServer _redis = null!;
    private LegacyApiServer _legacy = null!;
    private FacadeHost _a = null!;
    private FacadeHost _b = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _legacy = LegacyApiServer.Start();
        var settings = await ClusterSettings.PostgreSqlAsync(_certificates);
        settings["Facade:Redis:Configuration"] = _redis.Configuration;
        settings["Facade:RateLimits:Policies:per-caller:PermitLimit"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Facade:RateLimits:Policies:per-caller:Window"] = "01:00:00";
        _a = FacadeHost.Start(_legacy.Url, settings);
        _b = FacadeHost.Start(_legacy.Url, new Dictionary<string, string?>(settings) { ["Facade:PublicUrl"] = _a.BaseUrl.AbsoluteUri });
    }

    public async ValueTask DisposeAsync()
    {
        await _b.DisposeAsync();
        await _a.DisposeAsync();
        _legacy.Dispose();
        await _redis.DisposeAsync();
    }

    public void Dispose() => _certificates.Delete(recursive: true);

    [Fact]
    public async Task ACallerAlternatingBetweenNodes_GetsOneLimitInAll()
    {
        using var oauth = new OAuthTestClient(_a.BaseUrl);
        var (_, token) = await oauth.GetTokenAsync("tasks:read", cancellationToken: Ct);

        // Windows are whole hours of the clock, shared by every node: not across a boundary.
        var intoHour = DateTimeOffset.UtcNow.TimeOfDay.Ticks % TimeSpan.TicksPerHour;
        if (intoHour > TimeSpan.TicksPerHour - TimeSpan.FromMinutes(2).Ticks)
        {
            await Task.Delay(TimeSpan.FromTicks(TimeSpan.TicksPerHour - intoHour) + TimeSpan.FromSeconds(1), Ct);
        }

        var answers = new List<(string Node, HttpStatusCode Status, TimeSpan? RetryAfter)>();
        for (var i = 0; i < Limit + 4; i++)
        {
            var (node, edge) = i % 2 == 0 ? ("A", _a) : ("B", _b);
            using var http = edge.CreateHttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, "api/tasks");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
            using var response = await http.SendAsync(request, Ct);
            answers.Add((node, response.StatusCode, response.Headers.RetryAfter?.Delta));
            await SyncedAsync();
        }

        var report = string.Join(", ", answers.Select(a => $"{a.Node}:{(int)a.Status}"));
        Assert.True(answers.Take(Limit).All(a => a.Status == HttpStatusCode.OK), report);
        Assert.True(answers.Skip(Limit).All(a => a.Status == HttpStatusCode.TooManyRequests && a.RetryAfter > TimeSpan.Zero), report);
        Assert.Contains(answers.Skip(Limit), a => a.Node == "A");
        Assert.Contains(answers.Skip(Limit), a => a.Node == "B");
    }

    /// <summary>Until both nodes have sent what they took and then read the shared count twice.</summary>
    private async Task SyncedAsync()
    {
        var nodes = new[] { _a, _b }.Select(e => e.Services.GetRequiredService<SharedRateLimits>()).ToList();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (nodes.Any(n => n.Unsent > 0))
        {
            Assert.True(DateTime.UtcNow < deadline, "a node never sent its count to Redis");
            await Task.Delay(20, Ct);
        }

        var after = nodes.Select(n => n.Syncs + 2).ToList();
        while (nodes.Select((n, i) => n.Syncs < after[i]).Any(behind => behind))
        {
            Assert.True(DateTime.UtcNow < deadline, "a node stopped syncing");
            await Task.Delay(20, Ct);
        }
    }
}
