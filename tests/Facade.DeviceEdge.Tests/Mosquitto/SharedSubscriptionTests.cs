using System.Net;
using Facade.DeviceEdge.Broker;
using Facade.DeviceEdge.Data;
using Facade.DeviceEdge.Tests.Commands;
using Facade.DeviceEdge.Tests.Telemetry;
using Facade.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Facade.DeviceEdge.Tests.Mosquitto;

/// <summary>
/// Two workers on one mosquitto and one database (<c>External:SharedSubscriptionGroup</c>): each telemetry message is
/// handled and stored by exactly one of them, and a command sent through one is answered to the request waiting on it,
/// whichever worker stored the device's acknowledgement. The subclasses choose the database: one SQLite folder
/// (<see cref="SharedSubscriptionOnSqliteTests"/>) or one PostgreSQL database (<see cref="SharedSubscriptionOnPostgreSqlTests"/>).
/// </summary>
public abstract class SharedSubscriptionTests(MosquittoFixture fixture) : IClassFixture<MosquittoFixture>, IAsyncLifetime
{
    private const int Readings = 60;
    private readonly DeviceEvents _eventsA = new();
    private readonly DeviceEvents _eventsB = new();
    private DeviceEdgeHost _workerA = null!;
    private DeviceEdgeHost _workerB = null!;

    /// <summary>The workers' shared data folder (null: each its own) and the settings that give them one database.</summary>
    protected abstract Task<(string? Folder, IDictionary<string, string?> Settings)> SharedDatabaseAsync();

    private string? _folder;
    private IDictionary<string, string?> _database = null!;

    public async ValueTask InitializeAsync()
    {
        var (folder, database) = await SharedDatabaseAsync();
        (_folder, _database) = (folder, database);
        _workerA = fixture.StartHost(_eventsA, folder, Worker("worker-a", manageAccounts: true, database));
        await MosquittoFixture.WaitUntilReadyAsync(_workerA);
        _workerB = fixture.StartHost(_eventsB, folder, Worker("worker-b", manageAccounts: false, database));
        _workerA.KeepData = folder is not null; // a shared folder: the last worker to go removes it
        await MosquittoFixture.WaitUntilReadyAsync(_workerB);
    }

    public async ValueTask DisposeAsync()
    {
        await _workerA.DisposeAsync();
        await _workerB.DisposeAsync();
    }

    [Fact]
    public async Task EachTelemetryMessage_IsStoredOnce_ByOneOfTheWorkers()
    {
        var device = await fixture.ProvisionAsync(host: _workerA);
        using var client = await fixture.ConnectAsync(device);

        // Each reading carries its own time: readings of one series at the same millisecond are one reading (a redelivery).
        var start = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
        for (var i = 0; i < Readings; i++)
        {
            await client.PublishAsync($"devices/{device.Id}/telemetry", $"{{\"ts\":{start + (i * 100)},\"metrics\":{{\"seq\":{i}}}}}",
                cancellationToken: TestContext.Current.CancellationToken);
        }

        var stored = await StoredReadingsAsync(device.Id, Readings);
        var handledByA = Telemetry(_eventsA, device.Id);
        var handledByB = Telemetry(_eventsB, device.Id);

        Assert.True(Enumerable.Range(0, Readings).Select(i => (double)i).SequenceEqual(stored),
            $"stored {string.Join(',', stored)}; handled by A {handledByA}, by B {handledByB}\n{_workerA.Logs.Text}\n{_workerB.Logs.Text}\n{fixture.Broker.Log}");
        Assert.Equal(Readings, handledByA + handledByB);
        Assert.True(handledByA > 0 && handledByB > 0, $"worker A handled {handledByA}, worker B {handledByB}: the group did not share");
    }

    [Fact]
    public async Task AWorkerRestartedMidStream_LosesNothing_AndStoresNothingTwice()
    {
        const int total = 150;
        var device = await fixture.ProvisionAsync(host: _workerA);
        using var client = await fixture.ConnectAsync(device);
        var start = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
        for (var i = 0; i < total; i++)
        {
            if (i == total / 3)
            {
                // Worker B goes away (its broker session, with whatever was on its way to it, stays) ...
                _workerB.KeepData = true; // a shared folder stays for A
                await _workerB.DisposeAsync();
            }
            else if (i == 2 * total / 3)
            {
                // ... and comes back under the same account, as a restarted process does.
                _workerB = fixture.StartHost(_eventsB, _folder, Worker("worker-b", manageAccounts: false, _database));
                await MosquittoFixture.WaitUntilReadyAsync(_workerB);
            }

            await client.PublishAsync($"devices/{device.Id}/telemetry", $"{{\"ts\":{start + (i * 100)},\"metrics\":{{\"seq\":{i}}}}}",
                cancellationToken: TestContext.Current.CancellationToken);
        }

        var stored = await StoredReadingsAsync(device.Id, total);
        Assert.True(Enumerable.Range(0, total).Select(i => (double)i).SequenceEqual(stored),
            $"stored {stored.Count}: missing {string.Join(',', Enumerable.Range(0, total).Select(i => (double)i).Except(stored))}\n{fixture.Broker.Log}");
    }

    [Fact]
    public async Task TelemetryStoredByBothWorkers_ReadsBackThroughEither_AsLatestRawAndBuckets()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner, _workerA);
        using var client = await fixture.ConnectAsync(device);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var minute = now - now % 60_000 - 60_000; // the last whole minute: ten readings a second apart
        for (var i = 0; i < 10; i++)
        {
            await client.PublishAsync($"devices/{device.Id}/telemetry", $"{{\"ts\":{minute + (i * 1_000)},\"metrics\":{{\"seq\":{i}}}}}",
                cancellationToken: TestContext.Current.CancellationToken);
        }

        Assert.Equal(10, (await StoredReadingsAsync(device.Id, 10)).Count);
        foreach (var worker in new[] { _workerA, _workerB })
        {
            using var http = worker.CreateHttpClient(fixture.Issuer.Token(owner, TelemetryKit.Read));
            var (status, latest) = await http.SendJsonAsync(HttpMethod.Get, $"devices/{device.Id}/telemetry/latest");
            Assert.True(status == HttpStatusCode.OK, $"{status}: {latest}");
            Assert.Equal(9, latest.GetProperty("readings").GetProperty("seq").GetProperty("value").GetDouble());

            var (rawStatus, raw) = await http.SendJsonAsync(HttpMethod.Get, $"devices/{device.Id}/telemetry/seq?from={Iso(minute)}&to={Iso(minute + 60_000)}&resolution=raw&limit=4");
            Assert.True(rawStatus == HttpStatusCode.OK, $"{rawStatus}: {raw}");
            Assert.Equal([0.0, 1, 2, 3], TelemetryIngestTests.Points(raw).Select(p => p.Value));

            var hour = minute - minute % 3_600_000;
            var (minutes, _, _) = await TelemetryIngestTests.BucketsAsync(http, device.Id, $"from={Iso(minute)}&to={Iso(minute + 60_000)}&resolution=1m", "seq");
            var (hours, _, _) = await TelemetryIngestTests.BucketsAsync(http, device.Id, $"from={Iso(hour)}&to={Iso(hour + 3_600_000)}&resolution=1h", "seq");
            Assert.Equal([new Bucket(minute, 0, 4.5, 9, 10)], minutes);
            Assert.Equal([new Bucket(hour, 0, 4.5, 9, 10)], hours);
        }
    }

    [Fact]
    public async Task ACommandSentThroughOneWorker_IsAnsweredToItsWaitingRequest()
    {
        var owner = DeviceEdgeFixture.NewUser();
        var device = await fixture.ProvisionAsync(owner, _workerA);
        using var client = await fixture.ConnectAsync(device);
        await client.SubscribeToCommandsAsync();
        await client.PublishAsync($"devices/{device.Id}/status", "online", retain: true, cancellationToken: TestContext.Current.CancellationToken);
        await _eventsA.StatusAsync(device.Id, online: true);
        await _eventsB.StatusAsync(device.Id, online: true);

        foreach (var worker in new[] { _workerA, _workerB, _workerA, _workerB })
        {
            // The command outlives the request's patience: only the acknowledgement can end this wait in time.
            using var http = worker.CreateHttpClient(fixture.Issuer.Token(owner, Commanding.Scopes));
            http.Timeout = TimeSpan.FromSeconds(120);
            var waiting = http.SendJsonAsync(HttpMethod.Post, $"devices/{device.Id}/commands?wait=true", """{"name":"reboot","timeoutSeconds":300}""");
            var sent = await client.ReceiveAsync(m => m.Topic.StartsWith($"devices/{device.Id}/commands/", StringComparison.Ordinal), TestContext.Current.CancellationToken);
            var commandId = sent.Topic[(sent.Topic.LastIndexOf('/') + 1)..];

            await client.AnswerAsync(commandId, """{"status":"ok","result":{"rebooted":true}}""");
            var (status, json) = await waiting;

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal((commandId, "acknowledged"), (json.Text("id"), json.Text("status")));
        }
    }

    /// <summary>
    /// A worker with its own broker account (mosquitto gives each account one session); worker A writes mosquitto's
    /// files with B's account in them, as README's "Several workers" describes. The fixture's own edge also consumes,
    /// under its own account (kept in the files), into its own database.
    /// </summary>
    private Dictionary<string, string?> Worker(string name, bool manageAccounts, IDictionary<string, string?> database) => new(database)
    {
        ["DeviceEdge:Mqtt:External:UserName"] = $"{MosquittoFixture.ServiceUser}.{name}",
        ["DeviceEdge:Mqtt:External:SharedSubscriptionGroup"] = "workers",
        ["DeviceEdge:Mqtt:Mosquitto:AccountsDirectory"] = manageAccounts ? fixture.Broker.Directory : "",
        ["DeviceEdge:Mqtt:Mosquitto:PidFile"] = manageAccounts ? fixture.Broker.PidFile : "",
        ["DeviceEdge:Mqtt:Mosquitto:OtherWorkers:0"] = $"{MosquittoFixture.ServiceUser}.worker-b",
        ["DeviceEdge:Mqtt:Mosquitto:OtherWorkers:1"] = MosquittoFixture.ServiceUser,
    };

    private static string Iso(long milliseconds) => Uri.EscapeDataString(DateTimeOffset.FromUnixTimeMilliseconds(milliseconds).ToString("O", System.Globalization.CultureInfo.InvariantCulture));

    private static int Telemetry(DeviceEvents events, string deviceId) =>
        events.Messages(deviceId).Count(m => m.Kind == DeviceTopicKind.Telemetry);

    /// <summary>The stored values of the device's <c>seq</c> series, in order, once there are <paramref name="expected"/> (or 30 seconds passed).</summary>
    private async Task<List<double>> StoredReadingsAsync(string deviceId, int expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using var scope = _workerA.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<DeviceEdgeDbContext>();
            var values = await db.TelemetryPoints.AsNoTracking()
                .Join(db.TelemetrySeries.Where(s => s.DeviceId == deviceId && s.Key == "seq"), p => p.SeriesId, s => s.Id, (p, _) => p.Value)
                .ToListAsync(TestContext.Current.CancellationToken);
            if (values.Count >= expected || DateTime.UtcNow > deadline)
            {
                values.Sort();
                return values;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}

/// <summary>Both workers on one SQLite file in a shared folder (one host).</summary>
public sealed class SharedSubscriptionOnSqliteTests(MosquittoFixture fixture) : SharedSubscriptionTests(fixture)
{
    protected override Task<(string? Folder, IDictionary<string, string?> Settings)> SharedDatabaseAsync() =>
        Task.FromResult<(string?, IDictionary<string, string?>)>((Directory.CreateTempSubdirectory("facade-test-workers-").FullName, new Dictionary<string, string?>()));
}

/// <summary>Both workers on one PostgreSQL database, each with its own folder (workers on different machines).</summary>
public sealed class SharedSubscriptionOnPostgreSqlTests(MosquittoFixture fixture) : SharedSubscriptionTests(fixture)
{
    protected override async Task<(string? Folder, IDictionary<string, string?> Settings)> SharedDatabaseAsync()
    {
        var server = await PostgreSqlServer.SharedAsync();
        return (null, new Dictionary<string, string?>
        {
            ["DeviceEdge:DatabaseProvider"] = "PostgreSql",
            ["DeviceEdge:ConnectionString"] = await server.CreateDatabaseAsync(TestContext.Current.CancellationToken),
        });
    }
}
