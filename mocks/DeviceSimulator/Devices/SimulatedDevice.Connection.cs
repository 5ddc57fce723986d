using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Facade.Mocks.DeviceSimulator.Devices;

internal sealed partial class SimulatedDevice
{
    /// <summary>
    /// The broker keeps the session (subscriptions, QoS 1 commands sent meanwhile) this long after a connection ends,
    /// so commands queued while the device was away arrive when it is back.
    /// </summary>
    private const uint SessionExpirySeconds = 3600;

    private static readonly TimeSpan GoodbyeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Keeps the device connected unless it was asked to stay offline: connects, says it is online, waits until the
    /// connection is lost (then reconnects after a backoff that doubles up to the maximum, with jitter) or until it is
    /// asked to go offline or to stop (then says offline and disconnects cleanly).
    /// </summary>
    private async Task SuperviseAsync(CancellationToken stopping)
    {
        var backoff = _options.ReconnectDelay;
        while (!stopping.IsCancellationRequested)
        {
            var wanted = _connectionWanted.Next;
            if (OfflineRemaining() is { } offline)
            {
                await Wakeup.WaitAsync(offline, wanted, _time, stopping);
                continue;
            }

            using var client = new MqttClientFactory().CreateMqttClient();
            var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            client.DisconnectedAsync += _ =>
            {
                lost.TrySetResult();
                return Task.CompletedTask;
            };
            client.ApplicationMessageReceivedAsync += e =>
            {
                _inbox.Writer.TryWrite(e.ApplicationMessage);
                return Task.CompletedTask;
            };

            if (!await TryConnectAsync(client, stopping))
            {
                await Wakeup.WaitAsync(Jitter(backoff), wanted, _time, stopping);
                backoff = Longer(backoff);
                continue;
            }

            backoff = _options.ReconnectDelay;
            LogConnected(_logger, Id);
            _reportNow.Set();
            await StayConnectedAsync(lost.Task, stopping);
            Disconnected();

            if (lost.Task.IsCompleted)
            {
                LogConnectionLost(_logger, Id, backoff.TotalSeconds);
                await Wakeup.WaitAsync(Jitter(backoff), _connectionWanted.Next, _time, stopping);
                backoff = Longer(backoff);
            }
            else
            {
                await SayGoodbyeAsync(client);
            }
        }
    }

    /// <summary>Returns when the connection is lost, the device is asked to go offline, or it stops.</summary>
    private async Task StayConnectedAsync(Task lost, CancellationToken stopping)
    {
        while (!lost.IsCompleted && !stopping.IsCancellationRequested)
        {
            var wanted = _connectionWanted.Next;
            if (OfflineRemaining() is not null)
            {
                return;
            }

            await Wakeup.WaitAsync(Timeout.InfiniteTimeSpan, Task.WhenAny(lost, wanted), _time, stopping);
        }
    }

    private async Task<bool> TryConnectAsync(IMqttClient client, CancellationToken stopping)
    {
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(_options.BrokerHost, _options.BrokerPort)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(Id)
            .WithCredentials(Id, _credentials.Secret)
            .WithCleanStart(false)
            .WithSessionExpiryInterval(SessionExpirySeconds)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithWillTopic(DeviceTopics.Status(Id))
            .WithWillPayload(DevicePayloads.Offline)
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        try
        {
            var result = await client.ConnectAsync(options, stopping);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                LogRefused(_logger, Id, result.ResultCode.ToString());
                return false;
            }

            // Connected from here on: what arrives while subscribing (the retained desired state) is answered on this
            // connection, not dropped because the device does not count itself connected yet.
            lock (_lock)
            {
                _connected = client;
            }

            var subscriptions = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(DeviceTopics.AllCommands(Id), MqttQualityOfServiceLevel.AtLeastOnce)
                .WithTopicFilter(DeviceTopics.ShadowDesired(Id), MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(), stopping);
            foreach (var refused in subscriptions.Items.Where(i => i.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2))
            {
                LogSubscriptionRefused(_logger, Id, refused.TopicFilter.Topic, refused.ResultCode.ToString());
            }

            await PublishAsync(client, DeviceTopics.Status(Id), DevicePayloads.Online, retain: true, stopping);
            return true;
        }
        catch (Exception e) when (!stopping.IsCancellationRequested)
        {
            LogUnreachable(_logger, Id, _options.BrokerHost, _options.BrokerPort, e.Message);
            Disconnected();
            return false;
        }
        catch (OperationCanceledException)
        {
            Disconnected();
            return false;
        }
    }

    private void Disconnected()
    {
        lock (_lock)
        {
            _connected = null;
        }
    }

    /// <summary>Offline status (retained, replacing "online"), then a clean DISCONNECT (no last will).</summary>
    private async Task SayGoodbyeAsync(IMqttClient client)
    {
        using var timeout = new CancellationTokenSource(GoodbyeTimeout);
        try
        {
            await PublishAsync(client, DeviceTopics.Status(Id), DevicePayloads.Offline, retain: true, timeout.Token);
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), timeout.Token);
            LogDisconnected(_logger, Id);
        }
        catch (Exception e)
        {
            LogGoodbyeFailed(_logger, Id, e.Message);
        }
    }

    private static async Task PublishAsync(IMqttClient client, string topic, byte[] payload, bool retain, CancellationToken cancellationToken)
    {
        var result = await client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .Build(), cancellationToken);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"The broker refused the publish on {topic}: {result.ReasonCode}.");
        }
    }

    /// <summary>How long the device still stays offline when asked to; null when it should be connected.</summary>
    private TimeSpan? OfflineRemaining()
    {
        lock (_lock)
        {
            if (_offlineUntil is not { } until)
            {
                return null;
            }

            if (until == DateTimeOffset.MaxValue)
            {
                return Timeout.InfiniteTimeSpan;
            }

            var remaining = until - _time.GetUtcNow();
            if (remaining > TimeSpan.Zero)
            {
                return remaining;
            }

            _offlineUntil = null;
            return null;
        }
    }

    private TimeSpan Longer(TimeSpan backoff) => TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxReconnectDelay.Ticks));

    /// <summary>±20 %, so devices that lost the broker together do not all come back in the same instant.</summary>
    private static TimeSpan Jitter(TimeSpan backoff) => backoff * (0.8 + 0.4 * Random.Shared.NextDouble());
}
