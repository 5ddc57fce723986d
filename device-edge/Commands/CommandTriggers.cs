using Facade.DeviceEdge.Broker;
using Facade.DeviceEdge.Status;

namespace Facade.DeviceEdge.Commands;

/// <summary>
/// When a device can receive its commands (it came online, or subscribed to them), its open commands are queued for
/// delivery; its PUBACK of a command marks it delivered.
/// </summary>
internal sealed class CommandTriggers(CommandDelivery delivery, CommandStore store) : IDeviceStatusObserver, IDeviceDeliveryObserver
{
    public ValueTask OnStatusChangedAsync(DeviceStatusChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Online)
        {
            delivery.Enqueue(change.DeviceId);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask OnSubscribedAsync(string deviceId, DeviceTopicKind kind, CancellationToken cancellationToken)
    {
        if (kind == DeviceTopicKind.Command)
        {
            delivery.Enqueue(deviceId);
        }

        return ValueTask.CompletedTask;
    }

    public async ValueTask OnReceivedAsync(string deviceId, DeviceTopic topic, CancellationToken cancellationToken)
    {
        if (topic.Kind == DeviceTopicKind.Command && topic.CommandId is { } commandId)
        {
            await store.MarkDeliveredAsync(deviceId, commandId, cancellationToken);
        }
    }
}
