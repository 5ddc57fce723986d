using Facade.DeviceEdge.Broker;

namespace Facade.DeviceEdge.Shadows;

/// <summary>
/// The desired state a broker keeps retained for a device outlives the device: a new device given the same id (by
/// anyone) would receive it when it subscribes. Deleting a device therefore clears it (an empty retained message).
/// </summary>
internal static class RetainedDesiredState
{
    public static async Task ClearAsync(IDeviceChannel channel, string deviceId)
    {
        ArgumentNullException.ThrowIfNull(channel);
        try
        {
            await channel.PublishAsync(DeviceTopics.ShadowDesired(deviceId), ReadOnlyMemory<byte>.Empty, qos: 1, retain: true, CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            // The broker is not running: the embedded one keeps nothing retained across a restart.
        }
    }
}
