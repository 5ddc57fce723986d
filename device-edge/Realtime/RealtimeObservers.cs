using Facade.DeviceEdge.Alerts;
using Facade.DeviceEdge.Commands;
using Facade.DeviceEdge.Status;
using Facade.DeviceEdge.Telemetry;

namespace Facade.DeviceEdge.Realtime;

/// <summary>
/// Turns the device edge's in-process notifications into feed lines: stored telemetry, online/offline changes, command
/// lifecycle steps, fired and resolved alerts. Each only encodes and enqueues (never waits), and nothing when no feed
/// consumer is connected, so ingest and the MQTT event path are not slowed.
/// </summary>
internal sealed class RealtimeObservers(RealtimeBroadcaster broadcaster)
    : ITelemetryObserver, IDeviceStatusObserver, ICommandObserver, IAlertObserver
{
    public ValueTask OnStoredAsync(IReadOnlyList<TelemetryReading> readings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readings);
        if (!broadcaster.HasConsumers)
        {
            return ValueTask.CompletedTask;
        }

        foreach (var reading in readings)
        {
            broadcaster.Publish(FeedLine.Write("telemetry", reading.DeviceId, null, reading.Timestamp, json =>
            {
                json.WriteStartObject();
                json.WriteStartObject("metrics");
                foreach (var (key, value) in reading.Metrics)
                {
                    json.WriteNumber(key, value);
                }

                json.WriteEndObject();
                json.WriteEndObject();
            }));
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask OnStatusChangedAsync(DeviceStatusChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (broadcaster.HasConsumers)
        {
            broadcaster.Publish(FeedLine.Write("status", change.DeviceId, null, change.At, json =>
            {
                json.WriteStartObject();
                json.WriteBoolean("online", change.Online);
                json.WriteString("reason", ReasonName(change.Reason));
                json.WriteEndObject();
            }));
        }

        return ValueTask.CompletedTask;
    }

    public void OnCommandChanged(CommandChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (broadcaster.HasConsumers)
        {
            broadcaster.Publish(FeedLine.Write("command", change.DeviceId, null, change.At, json =>
            {
                json.WriteStartObject();
                json.WriteString("id", change.CommandId);
                json.WriteString("event", change.Event);
                json.WriteString("status", CommandStatuses.Name(change.Status));
                json.WriteEndObject();
            }));
        }
    }

    public void OnAlertChanged(AlertChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (broadcaster.HasConsumers)
        {
            broadcaster.Publish(FeedLine.Write("alert", change.DeviceId, change.OwnerId, change.At, json => json.WriteRawValue(change.Body, skipInputValidation: true)));
        }
    }

    private static string ReasonName(StatusReason reason) => reason switch
    {
        StatusReason.Connected => "connected",
        StatusReason.Disconnected => "disconnected",
        StatusReason.ConnectionLost => "connection_lost",
        _ => "reported",
    };
}
