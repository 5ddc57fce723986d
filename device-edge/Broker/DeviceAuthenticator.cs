using Facade.DeviceEdge.Agents;
using Facade.DeviceEdge.Data;
using Facade.DeviceEdge.Registry;
using Microsoft.EntityFrameworkCore;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Facade.DeviceEdge.Broker;

/// <summary>
/// Accepts a connection only from a registered device: user name = device id, password = its secret (checked against
/// its stored hash in fixed time), client id = the device id (one session per device, so its status is unambiguous).
/// Every refusal is logged with the reason and the remote address, never the password. Alert subscriber
/// accounts (user names no device id can be) are checked by <see cref="AlertSubscribers"/>, agent runtimes (user names
/// <c>agent:{id}</c>) by <see cref="AgentBroker"/>.
/// </summary>
internal sealed partial class DeviceAuthenticator(
    IDbContextFactory<DeviceEdgeDbContext> contexts,
    DeviceSessions sessions,
    AlertSubscribers subscribers,
    AgentBroker agents,
    ILogger<DeviceAuthenticator> logger)
{
    public async Task ValidateAsync(ValidatingConnectionEventArgs connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var deviceId = connection.UserName;
        var address = connection.RemoteEndPoint?.ToString();
        if (!string.IsNullOrEmpty(connection.AuthenticationMethod))
        {
            Refuse(connection, MqttConnectReasonCode.BadAuthenticationMethod, "enhanced authentication is not supported", deviceId, address);
            return;
        }

        if (AgentTopics.IsAgentName(deviceId))
        {
            await agents.ValidateAsync(connection);
            return;
        }

        if (subscribers.IsAccount(deviceId))
        {
            subscribers.Validate(connection);
            return;
        }

        if (!DeviceId.IsValid(deviceId) || connection.RawPassword is not { Length: > 0 } password)
        {
            Refuse(connection, MqttConnectReasonCode.BadUserNameOrPassword, "no valid device id or no secret", deviceId, address);
            return;
        }

        if (!string.Equals(connection.ClientId, deviceId, StringComparison.Ordinal))
        {
            Refuse(connection, MqttConnectReasonCode.ClientIdentifierNotValid, "client id differs from the device id", deviceId, address);
            return;
        }

        var generation = sessions.Generation(deviceId);
        string? hash;
        await using (var db = await contexts.CreateDbContextAsync(connection.CancellationToken))
        {
            hash = await db.Devices.AsNoTracking().Where(d => d.Id == deviceId).Select(d => d.SecretHash).FirstOrDefaultAsync(connection.CancellationToken);
        }

        if (!DeviceSecret.Matches(password, hash))
        {
            Refuse(connection, MqttConnectReasonCode.BadUserNameOrPassword, hash is null ? "unknown device" : "wrong secret", deviceId, address);
            return;
        }

        var session = new DeviceSession(deviceId, generation);
        session.Store(connection.SessionItems);
        sessions.Accepted(session);
        LogAccepted(logger, deviceId, address, connection.ProtocolVersion.ToString());
    }

    private void Refuse(ValidatingConnectionEventArgs connection, MqttConnectReasonCode code, string reason, string? deviceId, string? address)
    {
        connection.ReasonCode = code;
        LogRefused(logger, LogSafe.Text(deviceId), address, reason, code.ToString());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Device {DeviceId} connected from {Address} (MQTT {ProtocolVersion})")]
    private static partial void LogAccepted(ILogger logger, string deviceId, string? address, string protocolVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT connection refused for user name {UserName} from {Address}: {Reason} ({ReasonCode})")]
    private static partial void LogRefused(ILogger logger, string userName, string? address, string reason, string reasonCode);
}
