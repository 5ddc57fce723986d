using Facade.DeviceEdge.Status;

namespace Facade.DeviceEdge.Broker;

/// <summary>
/// A publish a device made on one of its own topics, accepted by the ACL. <see cref="Payload"/> is a copy the handler
/// may keep. <see cref="Qos"/> is 0, 1 or 2: at 1 and 2 the device's acknowledgement waits for every handler.
/// <see cref="Connection"/> is the connection it came over (null when the broker cannot tell, e.g. an external one).
/// </summary>
internal sealed record DeviceMessage(
    string DeviceId,
    DeviceTopicKind Kind,
    string? CommandId,
    ReadOnlyMemory<byte> Payload,
    int Qos,
    bool Retain,
    DateTimeOffset ReceivedAt,
    DeviceConnection? Connection);

/// <summary>
/// The ingest seam: the broker awaits <see cref="HandleAsync"/> of every handler that accepts the message's kind
/// before it acknowledges the publish (PUBACK/PUBREC are sent after the interceptors return), so a handler that
/// returns only once the message is durable makes QoS 1 lossless. A handler that throws makes the broker close the
/// connection without acknowledging: the device sends the message again when it reconnects (with a persistent session).
/// </summary>
internal interface IDeviceMessageHandler
{
    bool Accepts(DeviceTopicKind kind);

    ValueTask HandleAsync(DeviceMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// The delivery seam: what the rest of the service uses to reach devices, whatever broker carries the messages.
/// </summary>
internal interface IDeviceChannel
{
    /// <summary>Publishes to a device's own command or desired-shadow topic (built with <see cref="DeviceTopics"/>).</summary>
    Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, int qos, bool retain, CancellationToken cancellationToken);

    /// <summary>
    /// Ends the device's session because its credentials changed (secret rotated, device deleted): it is disconnected,
    /// and a connection that was being accepted with the old secret at the same moment is closed too.
    /// </summary>
    Task RevokeAsync(string deviceId, CancellationToken cancellationToken);
}
