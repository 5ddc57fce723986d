using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Facade.DeviceEdge.Broker;

/// <summary>
/// The broker accounts of alert subscribers (<see cref="MqttOptions.AlertSubscribers"/>): services that receive alert
/// notifications over MQTT. One may subscribe only to filters under <c>alerts/</c> and publish nothing; its client
/// id is its user name (one connection per account), which no device id can be.
/// </summary>
internal sealed partial class AlertSubscribers(IOptions<MqttOptions> options, ILogger<AlertSubscribers> logger)
{
    private static readonly object SessionKey = typeof(AlertSubscribers);

    private readonly Dictionary<string, byte[]> _secretHashes = options.Value.AlertSubscribers
        .ToDictionary(a => a.Username!, a => SHA256.HashData(Encoding.UTF8.GetBytes(a.Secret!)), StringComparer.Ordinal);

    public bool IsAccount(string? userName) => userName is not null && _secretHashes.ContainsKey(userName);

    /// <summary>Validates a connection that names an account; its session is marked as a subscriber's when accepted.</summary>
    public void Validate(ValidatingConnectionEventArgs connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var userName = connection.UserName!;
        var address = connection.RemoteEndPoint?.ToString();
        Span<byte> presented = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(connection.RawPassword ?? [], presented);
        if (connection.RawPassword is not { Length: > 0 } || !CryptographicOperations.FixedTimeEquals(presented, _secretHashes[userName]))
        {
            connection.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            LogRefused(logger, userName, address, "wrong secret");
            return;
        }

        if (!string.Equals(connection.ClientId, userName, StringComparison.Ordinal))
        {
            connection.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
            LogRefused(logger, userName, address, "client id differs from the user name");
            return;
        }

        connection.SessionItems[SessionKey] = userName;
        LogAccepted(logger, userName, address);
    }

    public static bool IsSubscriber(System.Collections.IDictionary? sessionItems) => sessionItems?[SessionKey] is string;

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert subscriber {UserName} connected from {Address}")]
    private static partial void LogAccepted(ILogger logger, string userName, string? address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT connection refused for alert subscriber {UserName} from {Address}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string userName, string? address, string reason);
}
