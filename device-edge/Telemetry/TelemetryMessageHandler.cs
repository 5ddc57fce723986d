using Facade.DeviceEdge.Broker;

namespace Facade.DeviceEdge.Telemetry;

/// <summary>
/// <c>devices/{id}/telemetry</c>: a valid message is stored, and at QoS 1 or 2 the handler returns (so the broker
/// acknowledges) only once it is committed. An invalid one is refused (<see cref="DeviceMessageRefusedException"/>:
/// MQTT 5 devices get PayloadFormatInvalid, the connection stays), counted and logged without its payload.
/// </summary>
internal sealed class TelemetryMessageHandler(TelemetryPayloadReader reader, TelemetryWriter writer, TelemetryRefusalLog refusals) : IDeviceMessageHandler
{
    public bool Accepts(DeviceTopicKind kind) => kind == DeviceTopicKind.Telemetry;

    public async ValueTask HandleAsync(DeviceMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var refusal = reader.TryRead(message.Payload.Span, message.ReceivedAt, out var payload);
        if (refusal != TelemetryRefusal.None)
        {
            refusals.Record(message.DeviceId, refusal);
            throw new DeviceMessageRefusedException(TelemetryRefusals.Describe(refusal));
        }

        await writer.StoreAsync(message.DeviceId, payload!, awaitCommit: message.Qos > 0, cancellationToken);
    }
}
