using System.Buffers;
using System.Security.Cryptography.X509Certificates;
using Facade.DeviceEdge.Broker;
using Facade.DeviceEdge.Data;
using Facade.DeviceEdge.Mosquitto;
using Facade.DeviceEdge.Status;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Facade.DeviceEdge.ExternalBroker;

/// <summary>
/// The service as a client of an external broker (mosquitto), in place of the embedded one. It keeps one MQTT 5
/// session (clean start off, <see cref="ExternalBrokerOptions.SessionExpiry"/>), so the broker queues QoS 1 messages
/// while the service is away; subscribes at QoS 1 to everything devices publish (<see cref="ServiceTopics.Consumed"/>)
/// after every connect; and hands each message to the same <see cref="DeviceMessageDispatcher"/> as the embedded broker,
/// acknowledging it only once every handler has returned. A handler that throws leaves the message unacknowledged and
/// drops the connection, so the broker delivers it again after the reconnect (durability as in embedded mode; MQTTnet
/// hands messages over one at a time, so nothing after it is acknowledged first). Lost connections are retried with
/// exponential backoff and jitter; the health check is unready meanwhile. Devices' online/offline come from their status
/// messages and last wills only: a broker does not tell its clients about other clients' connections.
/// </summary>
internal sealed partial class ExternalBrokerClient(
    IOptions<ExternalBrokerOptions> options,
    IOptions<MqttOptions> mqtt,
    IServiceProvider services,
    DeviceStatusBoard board,
    MosquittoAccounts accounts,
    IDbContextFactory<DeviceEdgeDbContext> contexts,
    ILoggerFactory loggers,
    TimeProvider time,
    ILogger<ExternalBrokerClient> logger) : IDeviceBroker, IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lifecycle = new();
    private DeviceMessageDispatcher? _dispatcher;
    private IMqttClient? _client;
    private Task? _loop;
    private Task? _stopped;
    private TaskCompletionSource _lost = new();
    private volatile bool _ready;
    private volatile bool _handlerFailed;

    public bool IsReady => _ready;

    public string NotReadyReason => $"Not connected to the MQTT broker at {Endpoint}.";

    private string Endpoint => $"{options.Value.Host}:{options.Value.Port}";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Resolved only now: the message handlers' observers (command delivery, shadows) publish through this client,
        // so asking for them while it is being constructed would be a dependency cycle.
        _dispatcher = services.GetRequiredService<DeviceMessageDispatcher>();
        _client = new MqttClientFactory(new MqttNetLogBridge(loggers)).CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _client.DisconnectedAsync += OnDisconnectedAsync;
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Stops once, however often the host calls it; the session stays on the broker for the next start.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_lifecycle)
        {
            return _stopped ??= StopOnceAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _client?.Dispose();
        _stopping.Dispose();
    }

    public Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, int qos, bool retain, CancellationToken cancellationToken)
    {
        DeviceTopics.ThrowIfNotToDevice(topic, qos);
        return SendAsync(topic, payload, qos, retain, cancellationToken);
    }

    public Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (!AlertTopics.IsValid(topic))
        {
            throw new ArgumentException("Only an alert topic can be published to.", nameof(topic));
        }

        return SendAsync(topic, payload, qos: 1, retain: false, cancellationToken);
    }

    private async Task SendAsync(string topic, ReadOnlyMemory<byte> payload, int qos, bool retain, CancellationToken cancellationToken)
    {
        if (_client is not { } client || !_ready)
        {
            throw new InvalidOperationException($"Not connected to the MQTT broker at {Endpoint}.");
        }

        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload.ToArray())
            .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)qos)
            .WithRetainFlag(retain)
            .WithCurrentTrace()
            .Build();
        var result = await client.PublishAsync(message, cancellationToken);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"The MQTT broker refused the publish ({result.ReasonCode}).");
        }
    }

    /// <summary>
    /// The device's credentials changed and the registry is committed: mosquitto's files are rewritten from it and
    /// mosquitto reloads them, which disconnects a client whose password no longer checks out (the old secret, or a
    /// deleted device) and refuses it from then on.
    /// </summary>
    public async Task RevokeAsync(string deviceId, CancellationToken cancellationToken)
    {
        if (!accounts.Enabled)
        {
            LogRevocationNotManaged(logger, deviceId);
            return;
        }

        await accounts.SyncAsync(cancellationToken);
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var settings = options.Value;
        var attempt = 0;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (await ConnectAsync(stopping))
                {
                    attempt = 0;
                    await Volatile.Read(ref _lost).Task.WaitAsync(stopping);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                LogConnectFailed(logger, Endpoint, exception.GetType().Name, exception.Message);
            }

            _ready = false;
            await DropAsync(MqttClientDisconnectOptionsReason.UnspecifiedError);
            var delay = ReconnectBackoff.Delay(attempt++, settings.ReconnectMinDelay, settings.ReconnectMaxDelay, Random.Shared);
            LogReconnecting(logger, Endpoint, (long)delay.TotalMilliseconds);
            try
            {
                await Task.Delay(delay, time, stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task<bool> ConnectAsync(CancellationToken stopping)
    {
        var client = _client!;
        _handlerFailed = false;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(options.Value.ConnectTimeout);
        var connected = await client.ConnectAsync(ClientOptions(), timeout.Token);
        if (connected.ResultCode != MqttClientConnectResultCode.Success)
        {
            LogRefused(logger, Endpoint, connected.ResultCode.ToString());
            return false;
        }

        // From here a lost connection completes this; one lost before would go unnoticed, hence the check below.
        Volatile.Write(ref _lost, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        var subscribe = new MqttClientSubscribeOptionsBuilder();
        foreach (var filter in ServiceTopics.Subscriptions(options.Value.SharedSubscriptionGroup))
        {
            subscribe.WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        // Every time, even with the session still there: it may have expired, and the retained statuses it sends again
        // tell a freshly started service which devices are online.
        var subscribed = await client.SubscribeAsync(subscribe.Build(), timeout.Token);
        var refused = subscribed.Items.Where(i => i.ResultCode is not (MqttClientSubscribeResultCode.GrantedQoS1 or MqttClientSubscribeResultCode.GrantedQoS2)).ToList();
        if (refused.Count > 0)
        {
            LogSubscriptionRefused(logger, LogSafe.Text(refused[0].TopicFilter.Topic), refused[0].ResultCode.ToString());
            return false;
        }

        if (!client.IsConnected)
        {
            return false;
        }

        _ready = true;
        LogConnected(logger, Endpoint, connected.IsSessionPresent);
        return true;
    }

    private MqttClientOptions ClientOptions()
    {
        var settings = options.Value;
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(settings.Host, settings.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(settings.EffectiveClientId)
            .WithCredentials(settings.UserName, settings.Password)
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)settings.SessionExpiry.TotalSeconds)
            .WithKeepAlivePeriod(settings.KeepAlive)
            .WithTimeout(settings.ConnectTimeout);
        if (settings.UseTls)
        {
            builder.WithTlsOptions(tls =>
            {
                tls.UseTls();
                if (!string.IsNullOrEmpty(settings.CaCertificateFile))
                {
                    // A private CA publishes no revocation lists to check against.
                    var authority = new X509Certificate2Collection();
                    authority.ImportFromPemFile(settings.CaCertificateFile);
                    tls.WithTrustChain(authority).WithRevocationMode(X509RevocationMode.NoCheck);
                }
            });
        }

        return builder.Build();
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        e.AutoAcknowledge = false;
        if (_handlerFailed)
        {
            return; // The connection is being dropped: the broker delivers this one again after the reconnect.
        }

        var message = e.ApplicationMessage;
        if (!TryAccept(message, out var topic))
        {
            await AcknowledgeAsync(e);
            return;
        }

        if (!message.Retain)
        {
            board.Touch(topic.DeviceId);
        }

        var received = new DeviceMessage(topic.DeviceId, topic.Kind, topic.CommandId, message.Payload.ToArray(),
            (int)message.QualityOfServiceLevel, message.Retain, StoredTime.Now(time), Connection: null);
        try
        {
            await _dispatcher!.DispatchAsync(received, _stopping.Token);
        }
        catch (DeviceMessageRefusedException)
        {
            // Invalid (the handler logged why): acknowledged and dropped, as the embedded broker refuses it. Redelivering
            // it would only fail again and stall every message behind it.
        }
        catch (Exception exception)
        {
            if (await IsUnregisteredAsync(topic.DeviceId))
            {
                // Queued before the device was deleted: no handler can ever take it, and redelivering it would stall the rest.
                LogDroppedForUnknownDevice(logger, topic.DeviceId, topic.Kind.ToString());
                await AcknowledgeAsync(e);
                return;
            }

            if (!_stopping.IsCancellationRequested)
            {
                LogHandlerFailed(logger, exception, topic.DeviceId, topic.Kind.ToString());
            }

            _handlerFailed = true;
            Volatile.Read(ref _lost).TrySetResult();
            return;
        }

        await AcknowledgeAsync(e);
    }

    /// <summary>
    /// What the embedded broker would have accepted. A retained message here comes from the broker's store when the
    /// service subscribes: a device's retained status is its current state, while anything else retained would be
    /// replayed as new on every reconnect (mosquitto cannot restrict retain per topic as the embedded ACL does).
    /// </summary>
    private bool TryAccept(MqttApplicationMessage message, out DeviceTopic topic)
    {
        if (!DeviceTopics.TryParse(message.Topic, out topic) || topic.Kind is DeviceTopicKind.Command or DeviceTopicKind.ShadowDesired)
        {
            LogIgnored(logger, LogSafe.Text(message.Topic), "not a topic devices publish on");
            return false;
        }

        if (message.Retain && topic.Kind != DeviceTopicKind.Status)
        {
            LogIgnored(logger, LogSafe.Text(message.Topic), "a retained message outside the status topic");
            return false;
        }

        if (message.Payload.Length > mqtt.Value.MaxPayloadBytes)
        {
            LogIgnored(logger, LogSafe.Text(message.Topic), $"{message.Payload.Length} bytes, more than {mqtt.Value.MaxPayloadBytes}");
            return false;
        }

        return true;
    }

    private async Task<bool> IsUnregisteredAsync(string deviceId)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(_stopping.Token);
            return !await db.Devices.AnyAsync(d => d.Id == deviceId, _stopping.Token);
        }
        catch (Exception exception) when (exception is System.Data.Common.DbException or InvalidOperationException or OperationCanceledException)
        {
            return false; // Cannot tell: keep the message.
        }
    }

    private async Task AcknowledgeAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        try
        {
            await e.AcknowledgeAsync(_stopping.Token);
        }
        catch (Exception exception) when (exception is MqttCommunicationException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection is gone: the broker delivers the message again after the reconnect.
        }
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs e)
    {
        // Raised late and on another thread: by then a new connection may be up, and this is not about it.
        if (_client is { IsConnected: false })
        {
            if (e.ClientWasConnected)
            {
                LogLost(logger, Endpoint, e.Reason.ToString());
            }

            Volatile.Read(ref _lost).TrySetResult();
        }

        return Task.CompletedTask;
    }

    private async Task StopOnceAsync()
    {
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        await DropAsync(MqttClientDisconnectOptionsReason.NormalDisconnection);
        _ready = false;
    }

    private async Task DropAsync(MqttClientDisconnectOptionsReason reason)
    {
        if (_client is not { IsConnected: true } client)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(options.Value.ConnectTimeout);
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(reason).Build(), timeout.Token);
        }
        catch (Exception exception) when (exception is MqttCommunicationException or OperationCanceledException or InvalidOperationException)
        {
            // Gone already.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to the MQTT broker at {Endpoint} (session present: {SessionPresent}); subscribed to devices' topics")]
    private static partial void LogConnected(ILogger logger, string endpoint, bool sessionPresent);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The MQTT broker at {Endpoint} refused the service's connection: {ResultCode}")]
    private static partial void LogRefused(ILogger logger, string endpoint, string resultCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not connect to the MQTT broker at {Endpoint}: {Error}: {Message}")]
    private static partial void LogConnectFailed(ILogger logger, string endpoint, string error, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the connection to the MQTT broker at {Endpoint} ({Reason})")]
    private static partial void LogLost(ILogger logger, string endpoint, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconnecting to the MQTT broker at {Endpoint} in {DelayMilliseconds} ms")]
    private static partial void LogReconnecting(ILogger logger, string endpoint, long delayMilliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "The MQTT broker refused the service's subscription to {TopicFilter} ({ResultCode}); check its ACL")]
    private static partial void LogSubscriptionRefused(ILogger logger, string topicFilter, string resultCode);

    [LoggerMessage(Level = LogLevel.Error, Message = "A handler failed for a {Kind} message of device {DeviceId}; reconnecting to get it again, unacknowledged")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string deviceId, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped a {Kind} message of device {DeviceId}: the device is not registered (any more)")]
    private static partial void LogDroppedForUnknownDevice(ILogger logger, string deviceId, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a message on {Topic}: {Reason}")]
    private static partial void LogIgnored(ILogger logger, string topic, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device {DeviceId}: credentials changed, but no broker accounts are managed (DeviceEdge:Mqtt:Mosquitto:AccountsDirectory); revoke it on the broker")]
    private static partial void LogRevocationNotManaged(ILogger logger, string deviceId);
}
