using Facade.Testing;

namespace Facade.Proxy.Tests.Realtime;

/// <summary>
/// Two device-edge workers on one database (the <c>device-edge</c> cluster lists both): each publishes on its feed only
/// the events it handled, so the edge follows both and a subscriber hears a device whichever worker it is on.
/// </summary>
public sealed class RealtimeSeveralWorkersTests(RealtimeSeveralWorkersTests.TwoWorkers fixture) : IClassFixture<RealtimeSeveralWorkersTests.TwoWorkers>
{
    [Fact]
    public async Task TelemetryHandledByEitherWorker_ReachesTheSubscriber()
    {
        var owner = await fixture.CreateUserAsync();
        var (id, secret, onFirst) = await fixture.ProvisionAsync(owner);
        using var onSecond = (await TestDevice.ConnectAsync(fixture.Second.MqttPort, id, secret, cancellationToken: TestContext.Current.CancellationToken)).Device;
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync(owner, "telemetry:read"));
        await client.SubscribeOkAsync($"devices/{id}/telemetry");

        await RealtimeFixture.PublishTelemetryAsync(onSecond, """{"worker":2}""");
        var fromSecond = await client.ReceiveTypeAsync("event");
        await RealtimeFixture.PublishTelemetryAsync(onFirst!, """{"worker":1}""");
        var fromFirst = await client.ReceiveTypeAsync("event");

        Assert.Equal(2, fromSecond.GetProperty("data").GetProperty("metrics").GetProperty("worker").GetInt32());
        Assert.Equal(1, fromFirst.GetProperty("data").GetProperty("metrics").GetProperty("worker").GetInt32());
        Assert.True(fixture.Feed.Connected);
        onFirst!.Dispose();
    }

    /// <summary>The realtime stack plus a second device-edge worker over the first one's data folder.</summary>
    public sealed class TwoWorkers : RealtimeFixture
    {
        private readonly int _secondPort = McpAdapterHost.ReservePort();

        public DeviceEdgeHost Second { get; private set; } = null!;

        protected override IDictionary<string, string?> Settings
        {
            get
            {
                var settings = base.Settings;
                settings["ReverseProxy:Clusters:device-edge:Destinations:second:Address"] = $"http://127.0.0.1:{_secondPort}/";
                return settings;
            }
        }

        protected override Task StartedAsync()
        {
            Second = DeviceEdgeHost.Start(Edge.BaseUrl, port: _secondPort, dataDirectory: Devices.DataDirectory);
            Second.KeepData = true; // the first worker's folder: it removes it
            return Task.CompletedTask;
        }

        public override async ValueTask DisposeAsync()
        {
            if (Second is not null)
            {
                await Second.DisposeAsync();
            }

            await base.DisposeAsync();
        }
    }
}
