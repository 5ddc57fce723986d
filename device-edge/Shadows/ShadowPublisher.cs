using System.Buffers;
using System.Text.Json;
using Facade.DeviceEdge.Broker;
using Facade.DeviceEdge.Hosting;

namespace Facade.DeviceEdge.Shadows;

/// <summary>
/// Publishes a device's desired state, retained QoS 1 on <c>devices/{id}/shadow/desired</c>:
/// <c>{"version": n, "state": {…}}</c> (version 0 and <c>{}</c> before anyone set it). Queued after every change and
/// whenever the device comes online or subscribes to the topic, and always read from the database at that moment, so
/// the last message published (and retained) is the latest state. Publishing again on every connection is what keeps a
/// device in sync across broker restarts: the embedded broker keeps retained messages in memory only. It also replaces
/// whatever a deleted device of the same id left retained.
/// </summary>
internal sealed partial class ShadowPublisher(IDeviceChannel channel, ShadowStore store, ILogger<ShadowPublisher> logger) : DeviceWorkQueue(logger)
{
    protected override async Task ProcessAsync(string deviceId, CancellationToken cancellationToken)
    {
        var shadow = await store.GetAsync(deviceId, cancellationToken);
        try
        {
            await channel.PublishAsync(DeviceTopics.ShadowDesired(deviceId), Payload(shadow), qos: 1, retain: true, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogNotPublished(logger, deviceId, shadow.DesiredVersion, exception.GetType().Name);
        }
    }

    internal static byte[] Payload(DeviceShadow shadow)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("version", shadow.DesiredVersion);
            json.WritePropertyName("state");
            json.WriteRawValue(shadow.Desired, skipInputValidation: true);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The desired state (version {Version}) of device {DeviceId} could not be published ({Error}); it is published again when the device reconnects")]
    private static partial void LogNotPublished(ILogger logger, string deviceId, long version, string error);
}
