using System.Buffers;
using System.Text.Json;
using Facade.DeviceEdge.Broker;
using Facade.DeviceEdge.Hosting;

namespace Facade.DeviceEdge.Commands;

/// <summary>
/// Publishes commands to devices: QoS 1 on <c>devices/{id}/commands/{cmdId}</c>, payload
/// <c>{"id","name","params","expiresAt"}</c>, never retained. A device that (re)connects or subscribes to its commands is
/// queued, and then sent every command of its still open (pending or delivered), oldest first: commands wait for an
/// offline device, and nothing sent while it could not receive is lost. A device may so receive a command twice (as
/// QoS 1 allows anyway): it acts on a command id once.
/// </summary>
internal sealed partial class CommandDelivery(IDeviceChannel channel, CommandStore store, ILogger<CommandDelivery> logger)
    : DeviceWorkQueue(logger)
{
    /// <summary>Publishes one command. A broker that cannot take it (stopping) is logged: the command is sent again on reconnect.</summary>
    public async Task SendAsync(DeviceCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        try
        {
            await channel.PublishAsync(DeviceTopics.Command(command.DeviceId, command.Id), Payload(command), qos: 1, retain: false, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogNotSent(logger, command.Id, command.DeviceId, exception.GetType().Name);
        }
    }

    protected override async Task ProcessAsync(string deviceId, CancellationToken cancellationToken)
    {
        foreach (var command in await store.OpenAsync(deviceId, cancellationToken))
        {
            await SendAsync(command, cancellationToken);
        }
    }

    internal static byte[] Payload(DeviceCommand command)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", command.Id);
            json.WriteString("name", command.Name);
            json.WritePropertyName("params");
            json.WriteRawValue(command.Params, skipInputValidation: true);
            json.WriteString("expiresAt", command.ExpiresAt);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command {CommandId} could not be published to device {DeviceId} ({Error}); it is sent again when the device reconnects")]
    private static partial void LogNotSent(ILogger logger, string commandId, string deviceId, string error);
}
