namespace Facade.DeviceEdge.Alerts;

/// <summary>
/// An alert fired or resolved, told after it is committed: the rule's owner, the device, <c>fired</c>/<c>resolved</c>,
/// and the notification body (<see cref="AlertNotificationBody"/> as JSON, the bytes webhooks receive).
/// </summary>
internal sealed record AlertChange(string OwnerId, string DeviceId, string Event, byte[] Body, DateTimeOffset At);

/// <summary>
/// Told of every committed alert change (realtime subscribers receive them), on the telemetry observer's path: it
/// must not block; an exception is logged and does not stop evaluation.
/// </summary>
internal interface IAlertObserver
{
    void OnAlertChanged(AlertChange change);
}
