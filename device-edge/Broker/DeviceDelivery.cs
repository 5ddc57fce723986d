namespace Facade.DeviceEdge.Broker;

/// <summary>
/// The delivery-report seam: what the broker learns about messages the edge sends through <see cref="IDeviceChannel"/>.
/// The embedded broker reports both events (MQTTnet's <c>ClientSubscribedTopicAsync</c> and
/// <c>ClientAcknowledgedPublishPacketAsync</c>, see <see cref="DeviceDeliveryEvents"/>); a broker that cannot see them
/// (an external one) reports what it can, or nothing. Features must stay correct without these reports: they only make
/// delivery quicker (re-send once a device listens) and more precise (know a message arrived before the device answers).
/// Called on the broker's connection path: be quick; an exception is logged and does not reach the device.
/// </summary>
internal interface IDeviceDeliveryObserver
{
    /// <summary>
    /// The device subscribed to one of the topics it receives on (<see cref="DeviceTopicKind.Command"/> for
    /// <c>devices/{id}/commands/+</c> or one command, <see cref="DeviceTopicKind.ShadowDesired"/>): what is published
    /// there from now on reaches it. A message published before, while it was connected but not yet subscribed, did not.
    /// </summary>
    ValueTask OnSubscribedAsync(string deviceId, DeviceTopicKind kind, CancellationToken cancellationToken);

    /// <summary>The device acknowledged a QoS 1 or 2 message the edge published to it (PUBACK / PUBCOMP) on <paramref name="topic"/>.</summary>
    ValueTask OnReceivedAsync(string deviceId, DeviceTopic topic, CancellationToken cancellationToken);
}
