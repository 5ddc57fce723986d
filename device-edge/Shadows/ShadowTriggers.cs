using Facade.DeviceEdge.Broker;
using Facade.DeviceEdge.Status;

namespace Facade.DeviceEdge.Shadows;

/// <summary>A device that comes online or subscribes to its desired state gets it published again (see <see cref="ShadowPublisher"/>).</summary>
internal sealed class ShadowTriggers(ShadowPublisher publisher) : IDeviceStatusObserver, IDeviceDeliveryObserver
{
    public ValueTask OnStatusChangedAsync(DeviceStatusChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Online)
        {
            publisher.Enqueue(change.DeviceId);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask OnSubscribedAsync(string deviceId, DeviceTopicKind kind, CancellationToken cancellationToken)
    {
        // The broker sends retained messages to a new subscription, but from a snapshot taken before the subscription
        // existed: a state published in between would reach neither. Publishing once more afterwards closes that gap.
        if (kind == DeviceTopicKind.ShadowDesired)
        {
            publisher.Enqueue(deviceId);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask OnReceivedAsync(string deviceId, DeviceTopic topic, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
