using Facade.DeviceEdge.Data;
using Facade.DeviceEdge.Telemetry;
using Facade.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Facade.DeviceEdge.Tests.Telemetry.TelemetryKit;

namespace Facade.DeviceEdge.Tests.Telemetry;

/// <summary>
/// Observers hear of telemetry once it is committed (a reading they are told of is already in the database), not of
/// redeliveries again, and a stuck observer neither holds up acknowledgements nor keeps its queue growing.
/// </summary>
public sealed class TelemetryObserverTests(DeviceEdgeFixture fixture) : IClassFixture<DeviceEdgeFixture>
{
    [Fact]
    public async Task Observers_AreToldAfterCommit_OnceEach()
    {
        var probe = new CommitProbe();
        await using var host = DeviceEdgeHost.Start(fixture.Issuer.BaseUrl, configureServices: s => s.AddSingleton<ITelemetryObserver>(probe));
        probe.Host = host;
        var device = await fixture.ProvisionAsync(DeviceEdgeFixture.NewUser(), host: host);
        using var client = await fixture.ConnectAsync(device, host: host);
        var t0 = RecentMinute();

        await client.StoreAsync(Payload(t0, ("temperature", 20), ("humidity", 50)));
        await client.StoreAsync(Payload(t0, ("temperature", 20), ("humidity", 50))); // a redelivery
        await client.StoreAsync(Payload(t0 + 1_000, ("temperature", 21)));
        var seen = await probe.WaitForAsync(device.Id, 2);

        Assert.Equal(2, seen.Count);
        Assert.All(seen, r => Assert.True(r.WasStored, "The observer was told before the reading was committed."));
        Assert.Equal(At(t0), seen[0].Reading.Timestamp);
        Assert.Equal(new Dictionary<string, double> { ["temperature"] = 20, ["humidity"] = 50 }, seen[0].Reading.Metrics);
        Assert.Equal(new Dictionary<string, double> { ["temperature"] = 21 }, seen[1].Reading.Metrics);
    }

    [Fact]
    public async Task StuckObserver_DoesNotHoldUpIngest_AndDropsAreCounted()
    {
        var stuck = new StuckObserver();
        await using var host = DeviceEdgeHost.Start(fixture.Issuer.BaseUrl, new Dictionary<string, string?> { ["DeviceEdge:Telemetry:ObserverQueueCapacity"] = "1" },
            configureServices: s => s.AddSingleton<ITelemetryObserver>(stuck));
        var device = await fixture.ProvisionAsync(DeviceEdgeFixture.NewUser(), host: host);
        using var client = await fixture.ConnectAsync(device, host: host);
        var t0 = RecentMinute();

        for (var i = 0; i < 5; i++)
        {
            await client.StoreAsync(Payload(t0 + i, ("temperature", i)));
        }

        Assert.True(host.Services.GetRequiredService<TelemetryStats>().ObserverDrops >= 3);
        Assert.Contains(host.Logs.Entries, e => e.Message.Contains("is too slow", StringComparison.Ordinal));
        stuck.Release.SetResult();
    }

    private sealed class CommitProbe : ITelemetryObserver
    {
        private readonly Lock _lock = new();
        private readonly List<(TelemetryReading Reading, bool WasStored)> _seen = [];
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public DeviceEdgeHost? Host { get; set; }

        public async ValueTask OnStoredAsync(IReadOnlyList<TelemetryReading> readings, CancellationToken cancellationToken)
        {
            foreach (var reading in readings)
            {
                var stored = await StoredAsync(reading, cancellationToken);
                lock (_lock)
                {
                    _seen.Add((reading, stored));
                    _changed.TrySetResult();
                    _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
        }

        public async Task<List<(TelemetryReading Reading, bool WasStored)>> WaitForAsync(string deviceId, int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                Task changed;
                lock (_lock)
                {
                    var mine = _seen.Where(s => s.Reading.DeviceId == deviceId).ToList();
                    if (mine.Count >= count)
                    {
                        return mine;
                    }

                    changed = _changed.Task;
                }

                Assert.True(DateTime.UtcNow < deadline, "The observer was not told.");
                await changed.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            }
        }

        /// <summary>Reads through a connection of its own: only committed rows are visible there.</summary>
        private async Task<bool> StoredAsync(TelemetryReading reading, CancellationToken cancellationToken)
        {
            await using var scope = Host!.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<DeviceEdgeDbContext>();
            var ts = reading.Timestamp.ToUnixTimeMilliseconds();
            foreach (var key in reading.Metrics.Keys)
            {
                var found = await db.TelemetryPoints.AsNoTracking()
                    .Join(db.TelemetrySeries.Where(s => s.DeviceId == reading.DeviceId && s.Key == key), p => p.SeriesId, s => s.Id, (p, _) => p)
                    .AnyAsync(p => p.Timestamp == ts, cancellationToken);
                if (!found)
                {
                    return false;
                }
            }

            return true;
        }
    }

    private sealed class StuckObserver : ITelemetryObserver
    {
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask OnStoredAsync(IReadOnlyList<TelemetryReading> readings, CancellationToken cancellationToken) =>
            await Release.Task.WaitAsync(cancellationToken);
    }
}
