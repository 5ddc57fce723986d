using System.Text;
using System.Text.Json;
using Facade.DeviceEdge.Broker;

namespace Facade.DeviceEdge.Status;

/// <summary>
/// Messages on <c>devices/{id}/status</c> (including a last will the broker publishes for a vanished device):
/// <c>online</c> / <c>offline</c> as plain text or <c>{"state":"offline"}</c>. Anything else is ignored.
/// </summary>
internal sealed partial class StatusMessageHandler(DeviceStatusBoard board, DeviceStatusNotifier notifier, ILogger<StatusMessageHandler> logger)
    : IDeviceMessageHandler
{
    private const int MaxPayloadBytes = 1024;

    public bool Accepts(DeviceTopicKind kind) => kind == DeviceTopicKind.Status;

    public async ValueTask HandleAsync(DeviceMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (ParseState(message.Payload.Span) is not { } online)
        {
            LogUnreadableStatus(logger, message.DeviceId);
            return;
        }

        await notifier.NotifyAsync(board.Reported(message.DeviceId, message.Connection, online), cancellationToken);
    }

    /// <summary>True for online, false for offline, null when the payload says neither.</summary>
    internal static bool? ParseState(ReadOnlySpan<byte> payload)
    {
        if (payload.Length > MaxPayloadBytes)
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(payload).Trim();
        if (text.StartsWith('{'))
        {
            try
            {
                using var json = JsonDocument.Parse(text);
                text = json.RootElement.TryGetProperty("state", out var state) && state.ValueKind == JsonValueKind.String ? state.GetString()! : "";
            }
            catch (JsonException)
            {
                return null;
            }
        }

        return text.ToLowerInvariant() switch
        {
            "online" => true,
            "offline" => false,
            _ => null,
        };
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Device {DeviceId} sent a status that is neither online nor offline; ignored")]
    private static partial void LogUnreadableStatus(ILogger logger, string deviceId);
}
