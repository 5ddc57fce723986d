using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using Facade.Common.Revocation;
using Facade.DeviceEdge.Broker;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Facade.DeviceEdge.Agents;

/// <summary>
/// Agent runtimes on the embedded broker: authentication (an agent key, exchanged at the edge, or an access token;
/// either way a validated token with <c>agents:serve</c> and <c>agent_id</c>), the ACL (its own inbox to subscribe,
/// its own outbox to publish, nothing else), calls published to the inbox, outbox messages fed to the
/// <see cref="AgentCallHub"/>, and the end of a session whose token is revoked or expires without renewal.
/// Called by the broker's handlers (<see cref="DeviceAuthenticator"/>, <see cref="DeviceBrokerEvents"/>) for client
/// ids and user names starting with <c>agent:</c>, which no device can have.
/// </summary>
internal sealed partial class AgentBroker(
    AgentCallHub hub,
    AgentTokenValidator validator,
    AgentKeyExchange exchange,
    RevokedTokens revoked,
    IOptions<AgentOptions> options,
    TimeProvider time,
    ILogger<AgentBroker> logger)
{
    private readonly ConcurrentDictionary<string, AgentSession> _accepted = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AgentSession> _connected = new(StringComparer.Ordinal);
    private MqttServer? _server;

    public void Attach(MqttServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _server = server;
        server.ClientConnectedAsync += OnConnectedAsync;
        server.ClientDisconnectedAsync += OnDisconnectedAsync;
        server.ClientSubscribedTopicAsync += OnSubscribedAsync;
        server.ClientUnsubscribedTopicAsync += OnUnsubscribedAsync;
        revoked.Revoked += OnRevoked;
        hub.AttachInbox(PublishToInboxAsync);
    }

    public async Task ValidateAsync(ValidatingConnectionEventArgs connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var address = connection.RemoteEndPoint?.ToString();
        var agentId = AgentTopics.AgentOf(connection.UserName);
        if (agentId is null || connection.RawPassword is not { Length: > 0 } raw)
        {
            Refuse(connection, MqttConnectReasonCode.BadUserNameOrPassword, "no valid agent id or no password", address);
            return;
        }

        if (!AgentTopics.IsClientIdOf(agentId, connection.ClientId))
        {
            Refuse(connection, MqttConnectReasonCode.ClientIdentifierNotValid, "client id is not agent:{id} or agent:{id}:{instance}", address);
            return;
        }

        var password = Encoding.UTF8.GetString(raw);
        string? key = null;
        var token = password;
        if (!LooksLikeJwt(password))
        {
            key = password;
            var (exchanged, failure) = await exchange.ExchangeAsync(key, connection.CancellationToken);
            if (exchanged is null)
            {
                Refuse(connection, failure == KeyExchangeFailure.Refused ? MqttConnectReasonCode.BadUserNameOrPassword : MqttConnectReasonCode.ServerUnavailable,
                    failure == KeyExchangeFailure.Refused ? "the edge refused the agent key" : "the edge could not exchange the agent key", address);
                return;
            }

            token = exchanged;
        }

        var (valid, refusal) = await validator.ValidateAsync(token, agentId, connection.CancellationToken);
        if (valid is null)
        {
            Refuse(connection, refusal is null ? MqttConnectReasonCode.ServerUnavailable : MqttConnectReasonCode.NotAuthorized,
                refusal ?? "tokens cannot be checked now (JWKS or revocation feed unavailable)", address);
            return;
        }

        _accepted[connection.ClientId] = new AgentSession(agentId, connection.ClientId, key, valid);
        LogAccepted(logger, agentId, LogSafe.Text(connection.ClientId), address, key is null ? "access token" : "agent key");
    }

    /// <summary>The subscription ACL of an agent client: only its own inbox, exactly.</summary>
    public AclDenial CheckSubscription(string clientId, string? filter) =>
        !_connected.TryGetValue(clientId, out var session) && !_accepted.TryGetValue(clientId, out session) ? AclDenial.UnknownTopic
        : filter == AgentTopics.Inbox(session.AgentId) ? AclDenial.None
        : filter is not null && filter.StartsWith(AgentTopics.TopicPrefix, StringComparison.Ordinal) ? AclDenial.OtherDevice
        : AclDenial.UnknownTopic;

    /// <summary>A publish of an agent client: only to its own outbox, not retained, a valid runtime message; consumed here.</summary>
    public Task OnPublishAsync(InterceptingPublishEventArgs e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var message = e.ApplicationMessage;
        e.ProcessPublish = false; // Consumed: nobody subscribes to outboxes.
        if (!_connected.TryGetValue(e.ClientId, out var session) || message.Topic != AgentTopics.Outbox(session.AgentId) || message.Retain)
        {
            e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
            LogPublishRefused(logger, LogSafe.Text(e.ClientId), LogSafe.Text(message.Topic), message.Retain ? "retained" : "not its own outbox");
            return Task.CompletedTask;
        }

        if (message.Payload.Length > options.Value.MaxMessageBytes)
        {
            e.Response.ReasonCode = MqttPubAckReasonCode.QuotaExceeded;
            LogMessageRefused(logger, session.AgentId, $"{message.Payload.Length} bytes, more than {options.Value.MaxMessageBytes}");
            return Task.CompletedTask;
        }

        var payload = message.Payload.IsSingleSegment ? message.Payload.First : message.Payload.ToArray();
        if (!ChannelMessages.TryParse(payload, options.Value.MaxSkills, out var parsed, out var problem))
        {
            e.Response.ReasonCode = MqttPubAckReasonCode.PayloadFormatInvalid;
            e.Response.ReasonString = problem;
            LogMessageRefused(logger, session.AgentId, problem);
            return Task.CompletedTask;
        }

        hub.Receive(session, parsed!);
        return Task.CompletedTask;
    }

    private Task OnConnectedAsync(ClientConnectedEventArgs e)
    {
        if (!AgentTopics.IsAgentName(e.ClientId) || !_accepted.TryRemove(e.ClientId, out var session))
        {
            return Task.CompletedTask;
        }

        if (_connected.TryGetValue(e.ClientId, out var previous))
        {
            End(previous); // Taken over by a new connection with the same client id.
        }

        _connected[e.ClientId] = session;
        hub.Connected(session);
        ArmRenewal(session);
        if (revoked.IsRevoked(session.Token.Jti))
        {
            _ = DisconnectAsync(session, "token revoked");
        }

        return Task.CompletedTask;
    }

    private Task OnDisconnectedAsync(ClientDisconnectedEventArgs e)
    {
        // A takeover was handled when the new connection arrived.
        if (AgentTopics.IsAgentName(e.ClientId) && e.DisconnectType != MqttClientDisconnectType.Takeover && _connected.TryRemove(e.ClientId, out var session))
        {
            End(session);
            LogDisconnected(logger, session.AgentId, LogSafe.Text(session.ClientId));
        }

        return Task.CompletedTask;
    }

    private Task OnSubscribedAsync(ClientSubscribedTopicEventArgs e) =>
        _connected.TryGetValue(e.ClientId, out var session) && e.TopicFilter.Topic == AgentTopics.Inbox(session.AgentId)
            ? hub.SubscribedAsync(session)
            : Task.CompletedTask;

    private Task OnUnsubscribedAsync(ClientUnsubscribedTopicEventArgs e)
    {
        if (_connected.TryGetValue(e.ClientId, out var session) && e.TopicFilter == AgentTopics.Inbox(session.AgentId))
        {
            hub.Unsubscribed(session);
        }

        return Task.CompletedTask;
    }

    private void End(AgentSession session)
    {
        session.Dispose();
        hub.Gone(session);
    }

    private void OnRevoked(IReadOnlyCollection<string> jtis)
    {
        var set = jtis as IReadOnlySet<string> ?? jtis.ToHashSet(StringComparer.Ordinal);
        foreach (var session in _connected.Values.Where(s => set.Contains(s.Token.Jti)))
        {
            _ = DisconnectAsync(session, "token revoked");
        }
    }

    private void ArmRenewal(AgentSession session)
    {
        var margin = session.Key is null ? TimeSpan.Zero : options.Value.TokenRenewalMargin;
        var due = session.Token.Expires - margin - time.GetUtcNow();
        session.Renewal?.Dispose();
        session.Renewal = time.CreateTimer(_ => _ = RenewAsync(session), null, due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    /// <summary>At expiry: a key gets a new token (validated like the first); without a key, or if that fails, the session ends.</summary>
    private async Task RenewAsync(AgentSession session)
    {
        if (!_connected.TryGetValue(session.ClientId, out var current) || current != session)
        {
            return;
        }

        if (session.Key is { } key)
        {
            var (exchanged, _) = await exchange.ExchangeAsync(key, CancellationToken.None);
            var (valid, _) = exchanged is null ? (null, null) : await validator.ValidateAsync(exchanged, session.AgentId, CancellationToken.None);
            if (valid is not null)
            {
                session.Token = valid;
                ArmRenewal(session);
                LogRenewed(logger, session.AgentId, LogSafe.Text(session.ClientId));
                return;
            }
        }

        await DisconnectAsync(session, session.Key is null ? "token expired" : "token expired and the key could not be exchanged again");
    }

    private async Task DisconnectAsync(AgentSession session, string reason)
    {
        LogEnding(logger, session.AgentId, LogSafe.Text(session.ClientId), reason);
        try
        {
            if (_server is { } server)
            {
                await server.DisconnectClientAsync(session.ClientId, MqttDisconnectReasonCode.NotAuthorized);
            }
        }
        catch (InvalidOperationException)
        {
            // Gone already.
        }
    }

    private Task PublishToInboxAsync(string agentId, byte[] message)
    {
        var server = _server is { IsStarted: true } started ? started : throw new InvalidOperationException("The MQTT broker is not running.");
        var publish = new MqttApplicationMessageBuilder()
            .WithTopic(AgentTopics.Inbox(agentId))
            .WithPayload(message)
            .WithContentType("application/json")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        return server.InjectApplicationMessage(new InjectedMqttApplicationMessage(publish) { SenderClientId = "" });
    }

    /// <summary>An access token is a JWS compact serialization (three base64url parts); anything else is taken for a key.</summary>
    private static bool LooksLikeJwt(string password) =>
        password.StartsWith("eyJ", StringComparison.Ordinal) && password.Count(c => c == '.') == 2;

    private void Refuse(ValidatingConnectionEventArgs connection, MqttConnectReasonCode code, string reason, string? address)
    {
        connection.ReasonCode = code;
        LogRefused(logger, LogSafe.Text(connection.UserName), address, reason, code.ToString());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent runtime {AgentId} connected as {ClientId} from {Address} with an {Credential}")]
    private static partial void LogAccepted(ILogger logger, string agentId, string clientId, string? address, string credential);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT connection refused for agent user name {UserName} from {Address}: {Reason} ({ReasonCode})")]
    private static partial void LogRefused(ILogger logger, string userName, string? address, string reason, string reasonCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent runtime {AgentId} ({ClientId}) disconnected")]
    private static partial void LogDisconnected(ILogger logger, string agentId, string clientId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ending agent runtime {AgentId} ({ClientId}): {Reason}")]
    private static partial void LogEnding(ILogger logger, string agentId, string clientId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent runtime {AgentId} ({ClientId}): access token renewed with its key")]
    private static partial void LogRenewed(ILogger logger, string agentId, string clientId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publish refused: agent client {ClientId} on topic {Topic} ({Reason})")]
    private static partial void LogPublishRefused(ILogger logger, string clientId, string topic, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent {AgentId}: an outbox message was refused: {Problem}")]
    private static partial void LogMessageRefused(ILogger logger, string agentId, string problem);
}
