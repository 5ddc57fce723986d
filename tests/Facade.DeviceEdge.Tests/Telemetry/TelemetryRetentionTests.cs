using Facade.DeviceEdge.Data;
using Facade.DeviceEdge.Telemetry;
using Facade.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Facade.DeviceEdge.Tests.Telemetry.TelemetryKit;

namespace Facade.DeviceEdge.Tests.Telemetry;

/// <summary>Readings older than the retention go (with their minute summaries, and series left empty); newer ones stay.</summary>
public sealed class TelemetryRetentionTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    [Fact]
    public async Task ExpiredReadings_ArePruned_InTheBackground()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = DeviceEdgeHost.Start(fixture.Issuer.BaseUrl, new Dictionary<string, string?>
        {
            ["DeviceEdge:Telemetry:Retention"] = "1.00:00:00",
            ["DeviceEdge:Telemetry:RetentionInterval"] = "01:00:00",
            ["DeviceEdge:Telemetry:RetentionBatchSize"] = "100",
        }, configureServices: s => s.AddSingleton<TimeProvider>(time));
        var device = await fixture.ProvisionAsync(DeviceEdgeFixture.NewUser(), host: host);
        using var client = await fixture.ConnectAsync(device, host: host);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var old = now - 23 * 3_600_000L;

        for (var i = 0; i < 250; i++) // more than one retention batch
        {
            await client.StoreAsync(Payload(old + i * 1_000, ("temperature", i), i == 0 ? ("co2", 400) : ("humidity", i)));
        }

        await client.StoreAsync(Payload(now, ("temperature", 99)));
        Assert.Equal(250 + 249 + 1 + 1, await CountAsync(host, device.Id, db => db.TelemetryPoints));

        time.Advance(TimeSpan.FromHours(2)); // the old readings are now 25 hours old; the retention timer fires

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await CountAsync(host, device.Id, db => db.TelemetryPoints) != 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "The old readings were never pruned.");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DeviceEdgeDbContext>();
        var minutes = await db.TelemetryMinutes.AsNoTracking()
            .Join(db.TelemetrySeries.Where(s => s.DeviceId == device.Id), m => m.SeriesId, s => s.Id, (m, s) => new { s.Key, m.Start })
            .ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(now - now % 60_000, Assert.Single(minutes).Start);
        Assert.Equal(["temperature"], await db.TelemetrySeries.Where(s => s.DeviceId == device.Id).Select(s => s.Key).ToListAsync(TestContext.Current.CancellationToken));
        Assert.Contains(host.Logs.Entries, e => e.Message.StartsWith("Telemetry retention deleted ", StringComparison.Ordinal));
    }

    private static async Task<int> CountAsync(DeviceEdgeHost host, string deviceId, Func<DeviceEdgeDbContext, IQueryable<TelemetryPoint>> points)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DeviceEdgeDbContext>();
        return await points(db).Join(db.TelemetrySeries.Where(s => s.DeviceId == deviceId), p => p.SeriesId, s => s.Id, (p, _) => p)
            .CountAsync(TestContext.Current.CancellationToken);
    }
}
