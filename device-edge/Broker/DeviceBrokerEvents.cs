using System.Buffers;
using Facade.DeviceEdge.Agents;
using Facade.DeviceEdge.Data;
using Facade.DeviceEdge.Status;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using MQTTnet.Server;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Broker;

/// <summary>
/// The broker's event handlers: connection status, the topic ACL on every publish and subscription, and the hand-off
/// of accepted device messages to the <see cref="IDeviceMessageHandler"/>s before they are acknowledged.
/// </summary>
internal sealed partial class DeviceBrokerEvents(
    DeviceAuthenticator authenticator,
    DeviceSessions sessions,
    DeviceStatusBoard board,
    DeviceStatusNotifier notifier,
    DeviceMessageDispatcher dispatcher,
    AgentBroker agents,
    IOptions<MqttOptions> options,
    TimeProvider time,
    ILogger<DeviceBrokerEvents> logger)
{
    public void Attach(MqttServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        server.ValidatingConnectionAsync += authenticator.ValidateAsync;
        server.ClientConnectedAsync += e => OnConnectedAsync(server, e);
        server.ClientDisconnectedAsync += OnDisconnectedAsync;
        server.InterceptingPublishAsync += OnPublishAsync;
        server.InterceptingSubscriptionAsync += OnSubscriptionAsync;
    }

    private async Task OnConnectedAsync(MqttServer server, ClientConnectedEventArgs e)
    {
        var session = sessions.TakeAccepted(e.ClientId) ?? DeviceSession.From(e.SessionItems);
        if (session is null)
        {
            return;
        }

        session.Store(e.SessionItems);
        var connection = new DeviceConnection(session.DeviceId, e.RemoteEndPoint?.ToString(), VersionName(e.ProtocolVersion), StoredTime.Now(time));
        session.Connection = connection;
        var change = board.Connected(connection);
        if (sessions.Generation(session.DeviceId) != session.CredentialGeneration)
        {
            // The secret changed while this connection was being accepted: it may have been checked against the old one.
            LogStaleCredentials(logger, session.DeviceId);
            await DisconnectAsync(server, session.DeviceId);
        }

        await notifier.NotifyAsync(change, CancellationToken.None);
    }

    private async Task OnDisconnectedAsync(ClientDisconnectedEventArgs e)
    {
        // A takeover is the same device connecting again: its new connection is already the current one.
        if (e.DisconnectType == MqttClientDisconnectType.Takeover || DeviceSession.From(e.SessionItems)?.Connection is not { } connection)
        {
            return;
        }

        var change = board.Disconnected(connection, clean: e.DisconnectType == MqttClientDisconnectType.Clean);
        await notifier.NotifyAsync(change, CancellationToken.None);
    }

    private async Task OnPublishAsync(InterceptingPublishEventArgs e)
    {
        var session = DeviceSession.From(e.SessionItems);
        if (session is null && string.IsNullOrEmpty(e.ClientId))
        {
            return; // The edge's own message (IDeviceChannel.PublishAsync, agent inboxes): it builds only known topics.
        }

        if (AgentTopics.IsAgentName(e.ClientId))
        {
            await agents.OnPublishAsync(e);
            return;
        }

        var message = e.ApplicationMessage;
        DeviceTopic topic = default;
        var denial = session is null ? AclDenial.UnknownTopic : TopicAcl.CheckPublish(session.DeviceId, message.Topic, message.Retain, out topic);
        if (session is null || denial != AclDenial.None)
        {
            Refuse(e, MqttPubAckReasonCode.NotAuthorized);
            LogPublishRefused(logger, LogSafe.Text(e.ClientId), LogSafe.Text(message.Topic), denial.ToString());
            return;
        }

        if (message.Payload.Length > options.Value.MaxPayloadBytes)
        {
            Refuse(e, MqttPubAckReasonCode.QuotaExceeded);
            LogPayloadTooLarge(logger, session.DeviceId, message.Payload.Length, options.Value.MaxPayloadBytes);
            return;
        }

        board.Touch(session.DeviceId);
        var received = new DeviceMessage(session.DeviceId, topic.Kind, topic.CommandId, message.Payload.ToArray(),
            (int)message.QualityOfServiceLevel, message.Retain, StoredTime.Now(time), session.Connection);
        try
        {
            await dispatcher.DispatchAsync(received, e.CancellationToken);
        }
        catch (DeviceMessageRefusedException refused)
        {
            // Bad data, not a broken device: refused, and the connection stays (the handler logged and counted it).
            Refuse(e, MqttPubAckReasonCode.PayloadFormatInvalid);
            e.Response.ReasonString = refused.Message;
            return;
        }
        catch (Exception exception)
        {
            // Not acknowledged: the device sends it again after reconnecting, rather than the edge losing it.
            LogHandlerFailed(logger, exception, session.DeviceId, topic.Kind.ToString());
            e.ProcessPublish = false;
            e.CloseConnection = true;
            return;
        }

        // Consumed here: nothing in the embedded broker subscribes to what devices publish.
        e.ProcessPublish = false;
    }

    private Task OnSubscriptionAsync(InterceptingSubscriptionEventArgs e)
    {
        var session = DeviceSession.From(e.SessionItems);
        var denial = AgentTopics.IsAgentName(e.ClientId) ? agents.CheckSubscription(e.ClientId, e.TopicFilter.Topic)
            : session is not null ? TopicAcl.CheckSubscribe(session.DeviceId, e.TopicFilter.Topic)
            : AlertSubscribers.IsSubscriber(e.SessionItems) && AlertTopics.IsAlertFilter(e.TopicFilter.Topic) ? AclDenial.None
            : AclDenial.UnknownTopic;
        if (denial != AclDenial.None)
        {
            e.ProcessSubscription = false;
            e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
            LogSubscriptionRefused(logger, LogSafe.Text(e.ClientId), LogSafe.Text(e.TopicFilter.Topic), denial.ToString());
        }

        return Task.CompletedTask;
    }

    private static void Refuse(InterceptingPublishEventArgs e, MqttPubAckReasonCode code)
    {
        e.ProcessPublish = false;
        e.Response.ReasonCode = code;
    }

    private async Task DisconnectAsync(MqttServer server, string deviceId)
    {
        try
        {
            await server.DisconnectClientAsync(deviceId, MqttDisconnectReasonCode.NotAuthorized);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static string VersionName(MqttProtocolVersion version) => version switch
    {
        MqttProtocolVersion.V310 => "3.1",
        MqttProtocolVersion.V311 => "3.1.1",
        MqttProtocolVersion.V500 => "5.0",
        _ => "unknown",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publish refused: client {ClientId} on topic {Topic} ({Denial})")]
    private static partial void LogPublishRefused(ILogger logger, string clientId, string topic, string denial);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription refused: client {ClientId} to {TopicFilter} ({Denial})")]
    private static partial void LogSubscriptionRefused(ILogger logger, string clientId, string topicFilter, string denial);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publish refused: device {DeviceId} sent {Length} bytes, more than {Limit}")]
    private static partial void LogPayloadTooLarge(ILogger logger, string deviceId, long length, int limit);

    [LoggerMessage(Level = LogLevel.Error, Message = "A handler failed for a {Kind} message of device {DeviceId}; closing the connection unacknowledged")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string deviceId, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device {DeviceId}: credentials changed while it connected; disconnecting")]
    private static partial void LogStaleCredentials(ILogger logger, string deviceId);
}
