namespace Facade.DeviceEdge.Status;

/// <summary>Why a device went online or offline.</summary>
internal enum StatusReason
{
    Connected,
    Disconnected,
    ConnectionLost,
    Reported,
}

/// <summary>A device went online or offline (<see cref="IDeviceStatusObserver"/>).</summary>
internal sealed record DeviceStatusChange(string DeviceId, bool Online, StatusReason Reason, DateTimeOffset At);

/// <summary>
/// Told of every online/offline transition, after the status board changed: e.g. commands deliver what waited for a
/// device when it comes online, alert rules watch devices go offline. Called on the MQTT event path: be quick, and do
/// slow work elsewhere; an exception is logged and does not stop other observers.
/// </summary>
internal interface IDeviceStatusObserver
{
    ValueTask OnStatusChangedAsync(DeviceStatusChange change, CancellationToken cancellationToken);
}
