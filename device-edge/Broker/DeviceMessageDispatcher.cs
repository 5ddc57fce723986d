using Facade.DeviceEdge.Hosting;

namespace Facade.DeviceEdge.Broker;

/// <summary>
/// Hands an accepted device message to every <see cref="IDeviceMessageHandler"/> that wants its kind, in registration
/// order, and counts it (<see cref="DeviceEdgeMetrics"/>).
/// </summary>
internal sealed class DeviceMessageDispatcher(IEnumerable<IDeviceMessageHandler> handlers, DeviceEdgeMetrics metrics)
{
    private readonly IDeviceMessageHandler[][] _byKind = Enum.GetValues<DeviceTopicKind>()
        .Select(kind => handlers.Where(h => h.Accepts(kind)).ToArray())
        .ToArray();

    public async ValueTask DispatchAsync(DeviceMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        metrics.MessageAccepted(message.Kind);
        foreach (var handler in _byKind[(int)message.Kind])
        {
            await handler.HandleAsync(message, cancellationToken);
        }
    }
}
