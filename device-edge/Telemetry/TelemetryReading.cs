namespace Facade.DeviceEdge.Telemetry;

/// <summary>One stored telemetry message of a device: its timestamp and its metrics (sensor key → value).</summary>
internal sealed record TelemetryReading(string DeviceId, DateTimeOffset Timestamp, IReadOnlyDictionary<string, double> Metrics);

/// <summary>
/// Told of telemetry once it is stored (committed): alert rules evaluate it, realtime subscribers receive it. Called
/// off the ingest path, in commit order per device; an exception is logged and does not stop other observers.
/// </summary>
internal interface ITelemetryObserver
{
    ValueTask OnStoredAsync(IReadOnlyList<TelemetryReading> readings, CancellationToken cancellationToken);
}
