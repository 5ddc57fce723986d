using System.Text;
using Facade.DeviceEdge.Broker;
using Microsoft.Extensions.DependencyInjection;

namespace Facade.DeviceEdge.Tests.Mosquitto;

/// <summary>
/// mosquitto restarts (SIGTERM, as systemd stops it: it saves its persistence file) under a running device edge: the
/// edge is unready while it is gone, reconnects with backoff to the session it left, and every message mosquitto
/// acknowledged to a device at QoS 1 reaches the edge's handlers: one being handled when the broker went away, those
/// queued behind it, and those published while the edge itself was stopped.
/// </summary>
public sealed class MosquittoRestartTests(MosquittoFixture fixture) : IClassFixture<MosquittoFixture>
{
    [Fact]
    public async Task Service_IsUnreadyWhileMosquittoIsDown_AndReconnectsToItsSession()
    {
        var device = await fixture.ProvisionAsync();
        var channel = fixture.Host.Services.GetRequiredService<IDeviceChannel>();

        await fixture.Broker.StopAsync();
        await MosquittoFixture.WaitUntilReadyAsync(fixture.Host, ready: false);
        await fixture.Broker.ResumeAsync();
        await MosquittoFixture.WaitUntilReadyAsync(fixture.Host);

        using var client = await fixture.ConnectAsync(device);
        await client.SubscribeAsync(DeviceTopics.AllCommands(device.Id), TestContext.Current.CancellationToken);
        var sent = await client.PublishAsync(DeviceTopics.Telemetry(device.Id), "after-restart", cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(sent.IsSuccess, sent.ReasonCode.ToString());
        await fixture.Events.MessageAsync(m => m.DeviceId == device.Id && Payload(m) == "after-restart");
        await channel.PublishAsync(DeviceTopics.Command(device.Id, "after-restart"), "{}"u8.ToArray(), 1, retain: false, TestContext.Current.CancellationToken);
        var command = await client.ReceiveAsync(TestContext.Current.CancellationToken);

        Assert.Equal(DeviceTopics.Command(device.Id, "after-restart"), command.Topic);
        Assert.Contains(fixture.Host.Logs.Entries, e => e.Message.StartsWith($"Lost the connection to the MQTT broker at 127.0.0.1:{fixture.Broker.Port}", StringComparison.Ordinal));
        Assert.Contains(fixture.Host.Logs.Entries, e => e.Message.StartsWith($"Connected to the MQTT broker at 127.0.0.1:{fixture.Broker.Port} (session present: True)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AMessageBeingHandled_WhenMosquittoGoesDown_ComesAgain_WithEverythingQueuedBehindIt()
    {
        var device = await fixture.ProvisionAsync();
        using var client = await fixture.ConnectAsync(device);
        var held = HoldingHandler.Marker + device.Id;
        var behind = Enumerable.Range(1, 10).Select(i => $"behind-{i}").ToList();

        await PublishAllAsync(client, device.Id, [held]);
        await fixture.Holding.EnteredAsync(held);
        await PublishAllAsync(client, device.Id, behind);
        await fixture.Broker.RestartAsync();
        fixture.Holding.Release(held);
        await fixture.Events.MessageAsync(m => m.DeviceId == device.Id && Payload(m) == behind[^1]);

        Assert.Equal([held, .. behind], Received(device.Id));
        await MosquittoFixture.WaitUntilReadyAsync(fixture.Host);
    }

    [Fact]
    public async Task MessagesPublishedWhileTheServiceIsStopped_SurviveAMosquittoRestart()
    {
        var device = await fixture.ProvisionAsync();
        var stopped = fixture.Host;
        stopped.KeepData = true;
        await stopped.DisposeAsync();
        var away = Enumerable.Range(1, 20).Select(i => $"away-{i}").ToList();

        using (var client = await fixture.ConnectAsync(device))
        {
            await PublishAllAsync(client, device.Id, away);
        }

        await fixture.Broker.RestartAsync();
        fixture.Replace(fixture.StartHost(dataDirectory: stopped.DataDirectory));
        await fixture.Events.MessageAsync(m => m.DeviceId == device.Id && Payload(m) == away[^1]);

        Assert.Equal(away, Received(device.Id));
        Assert.Contains(fixture.Host.Logs.Entries, e => e.Message.Contains("(session present: True)", StringComparison.Ordinal));
    }

    /// <summary>Publishes each payload as telemetry at QoS 1 and requires mosquitto's acknowledgement for it.</summary>
    private static async Task PublishAllAsync(Facade.Testing.TestDevice client, string deviceId, IEnumerable<string> payloads)
    {
        foreach (var payload in payloads)
        {
            var result = await client.PublishAsync(DeviceTopics.Telemetry(deviceId), payload, cancellationToken: TestContext.Current.CancellationToken);
            Assert.True(result.IsSuccess, result.ReasonCode.ToString());
        }
    }

    /// <summary>The device's telemetry payloads the handlers got, in order, each once (QoS 1 may deliver one again).</summary>
    private List<string> Received(string deviceId) =>
        fixture.Events.Messages(deviceId).Where(m => m.Kind == DeviceTopicKind.Telemetry).Select(Payload).Distinct().ToList();

    private static string Payload(DeviceMessage message) => Encoding.UTF8.GetString(message.Payload.Span);
}
