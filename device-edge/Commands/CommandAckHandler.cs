using System.Text.Json;
using Facade.DeviceEdge.Broker;
using Facade.DeviceEdge.Hosting;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Commands;

/// <summary>
/// A device's answer on <c>devices/{id}/commands/{cmdId}/ack</c>: <c>{"status":"ok"|"error","result":{…}?,"error":"…"?}</c>.
/// It finishes the command (acknowledged or failed) before the device gets its PUBACK. An answer that cannot be read
/// fails the command with the reason; an answer to a command that is unknown, another device's, finished or expired
/// changes nothing and is logged (the ACL already keeps a device off other devices' topics).
/// </summary>
internal sealed partial class CommandAckHandler(CommandStore store, IOptions<CommandOptions> options, ILogger<CommandAckHandler> logger)
    : IDeviceMessageHandler
{
    public bool Accepts(DeviceTopicKind kind) => kind == DeviceTopicKind.CommandAck;

    public async ValueTask HandleAsync(DeviceMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.CommandId is not { } commandId)
        {
            return;
        }

        var answer = Read(message.Payload, options.Value.MaxResultBytes);
        if (await store.CompleteAsync(message.DeviceId, commandId, answer.Outcome, answer.Result, answer.Error, cancellationToken))
        {
            LogAnswered(logger, commandId, message.DeviceId, CommandStatuses.Name(answer.Outcome));
            return;
        }

        var notOpen = await store.WhyNotOpenAsync(message.DeviceId, commandId, cancellationToken);
        if (notOpen.Finished)
        {
            // A repeated answer, or (several workers) one another worker stored first.
            LogAlreadyFinished(logger, commandId, message.DeviceId, notOpen.Reason);
            return;
        }

        LogIgnored(logger, commandId, message.DeviceId, notOpen.Reason);
    }

    internal readonly record struct Answer(CommandStatus Outcome, string? Result, string? Error);

    internal static Answer Read(ReadOnlyMemory<byte> payload, int maxResultBytes)
    {
        try
        {
            using var json = JsonDocument.Parse(payload);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Unreadable("it is not a JSON object");
            }

            var status = root.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            if (status is not ("ok" or "error"))
            {
                return Unreadable("'status' must be \"ok\" or \"error\"");
            }

            string? result = null;
            if (root.TryGetProperty("result", out var r) && r.ValueKind != JsonValueKind.Null)
            {
                if (r.ValueKind != JsonValueKind.Object)
                {
                    return Unreadable("'result' must be a JSON object");
                }

                result = CompactJson.Of(r);
                if (System.Text.Encoding.UTF8.GetByteCount(result) > maxResultBytes)
                {
                    return Unreadable($"'result' is larger than {maxResultBytes} bytes");
                }
            }

            string? error = null;
            if (root.TryGetProperty("error", out var e) && e.ValueKind != JsonValueKind.Null)
            {
                if (e.ValueKind != JsonValueKind.String)
                {
                    return Unreadable("'error' must be a string");
                }

                error = Shorten(e.GetString()!);
            }

            return status == "ok"
                ? new Answer(CommandStatus.Acknowledged, result, null)
                : new Answer(CommandStatus.Failed, result, error ?? "The device reported an error without a description.");
        }
        catch (JsonException)
        {
            return Unreadable("it is not JSON");
        }
    }

    private static Answer Unreadable(string reason) =>
        new(CommandStatus.Failed, null, $"The device's answer could not be read: {reason}.");

    private static string Shorten(string text)
    {
        var clean = string.Create(text.Length, text, (span, value) =>
        {
            for (var i = 0; i < value.Length; i++)
            {
                span[i] = char.IsControl(value[i]) && value[i] is not ('\n' or '\t') ? '?' : value[i];
            }
        });
        return clean.Length <= DeviceCommand.MaxErrorLength ? clean : clean[..(DeviceCommand.MaxErrorLength - 1)] + "…";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {CommandId} of device {DeviceId} answered: {Status}")]
    private static partial void LogAnswered(ILogger logger, string commandId, string deviceId, string status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Answer to command {CommandId} from device {DeviceId} ignored: {Reason}")]
    private static partial void LogAlreadyFinished(ILogger logger, string commandId, string deviceId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answer to command {CommandId} from device {DeviceId} ignored: {Reason}")]
    private static partial void LogIgnored(ILogger logger, string commandId, string deviceId, string reason);
}
