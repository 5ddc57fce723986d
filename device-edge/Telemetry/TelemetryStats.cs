using System.Diagnostics.Metrics;

namespace Facade.DeviceEdge.Telemetry;

/// <summary>
/// Counters of the telemetry pipeline, also published as metrics (meter <c>Facade.DeviceEdge.Telemetry</c>): messages
/// stored, duplicates ignored, messages refused (by reason), batches committed, readings dropped for a slow observer.
/// </summary>
internal sealed class TelemetryStats
{
    public const string MeterName = "Facade.DeviceEdge.Telemetry";

    private readonly long[] _refused = new long[Enum.GetValues<TelemetryRefusal>().Length];
    private long _stored;
    private long _duplicates;
    private long _batches;
    private long _observerDrops;

    public TelemetryStats(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        meter.CreateObservableCounter("facade.telemetry.messages.stored", () => Stored, description: "Telemetry messages committed to the store.");
        meter.CreateObservableCounter("facade.telemetry.metrics.duplicate", () => Duplicates, description: "Metrics ignored as redelivered duplicates (same device, key and ts).");
        meter.CreateObservableCounter("facade.telemetry.batches", () => Batches, description: "Transactions committed by the telemetry writer.");
        meter.CreateObservableCounter("facade.telemetry.observer.dropped", () => ObserverDrops, description: "Committed batches dropped for an observer whose queue was full.");
        meter.CreateObservableCounter("facade.telemetry.messages.refused", RefusedMeasurements, description: "Telemetry messages refused, by reason.");
    }

    public long Stored => Interlocked.Read(ref _stored);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public long Batches => Interlocked.Read(ref _batches);

    public long ObserverDrops => Interlocked.Read(ref _observerDrops);

    public long Refused(TelemetryRefusal reason) => Interlocked.Read(ref _refused[(int)reason]);

    public long RefusedTotal
    {
        get
        {
            long total = 0;
            for (var reason = 0; reason < _refused.Length; reason++)
            {
                total += Interlocked.Read(ref _refused[reason]);
            }

            return total;
        }
    }

    public void AddRefused(TelemetryRefusal reason) => Interlocked.Increment(ref _refused[(int)reason]);

    public void AddCommitted(int messages, int duplicateMetrics)
    {
        Interlocked.Add(ref _stored, messages);
        Interlocked.Add(ref _duplicates, duplicateMetrics);
        Interlocked.Increment(ref _batches);
    }

    public void AddObserverDrop() => Interlocked.Increment(ref _observerDrops);

    private IEnumerable<Measurement<long>> RefusedMeasurements()
    {
        for (var reason = 1; reason < _refused.Length; reason++)
        {
            yield return new Measurement<long>(Interlocked.Read(ref _refused[reason]), new KeyValuePair<string, object?>("reason", ((TelemetryRefusal)reason).ToString()));
        }
    }
}
