using System.ComponentModel.DataAnnotations;

namespace Facade.DeviceEdge.Telemetry;

/// <summary>How telemetry is committed: <see cref="Full"/> syncs every group commit to disk; <see cref="Normal"/> does not.</summary>
public enum TelemetryDurability
{
    /// <summary>
    /// SQLite <c>synchronous=FULL</c>: every commit (one per batch) waits for the disk, so an acknowledged message
    /// survives a process crash and a power loss.
    /// </summary>
    Full,

    /// <summary>
    /// SQLite <c>synchronous=NORMAL</c> (WAL): commits reach the operating system but are synced to disk only at
    /// checkpoints; an acknowledged message survives a process crash, but the last transactions can be lost on power loss.
    /// </summary>
    Normal,
}

/// <summary>The <c>DeviceEdge:Telemetry</c> section: what a telemetry message may hold, how it is stored, how long it is kept.</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "DeviceEdge:Telemetry";

    /// <summary>Largest telemetry payload; larger ones are refused (below the broker's own <c>DeviceEdge:Mqtt:MaxPayloadBytes</c>).</summary>
    [Range(64, 1024 * 1024)]
    public int MaxPayloadBytes { get; set; } = 16 * 1024;

    /// <summary>Most metrics in one message.</summary>
    [Range(1, 1000)]
    public int MaxMetrics { get; set; } = 64;

    /// <summary>Most distinct metric keys one device may ever have stored (a message adding one more is refused).</summary>
    [Range(1, 10_000)]
    public int MaxKeysPerDevice { get; set; } = 128;

    /// <summary>How far in the past a message's <c>ts</c> may lie (buffered readings sent late).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How far ahead of the service's clock a message's <c>ts</c> may lie (device clocks drift).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long readings are kept; older ones are deleted in the background.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often expired readings are looked for.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Most rows one retention transaction deletes, so ingest never waits long for it.</summary>
    [Range(100, 1_000_000)]
    public int RetentionBatchSize { get; set; } = 5_000;

    /// <summary>Most messages committed in one transaction (the writer takes whatever is waiting, up to this).</summary>
    [Range(1, 100_000)]
    public int MaxBatchMessages { get; set; } = 5_000;

    /// <summary>Messages that may wait for the writer; past that, devices wait (no message is dropped).</summary>
    [Range(100, 10_000_000)]
    public int QueueCapacity { get; set; } = 50_000;

    /// <summary>See <see cref="TelemetryDurability"/>.</summary>
    public TelemetryDurability Durability { get; set; } = TelemetryDurability.Full;

    /// <summary>Committed batches that may wait for one slow <see cref="ITelemetryObserver"/>; past that they are dropped for it (and counted).</summary>
    [Range(1, 1_000_000)]
    public int ObserverQueueCapacity { get; set; } = 10_000;

    /// <summary>Most points one history answer holds (raw readings or buckets).</summary>
    [Range(1, 1_000_000)]
    public int MaxPoints { get; set; } = 10_000;

    /// <summary>Raw points answered when the request names no <c>limit</c>.</summary>
    [Range(1, 1_000_000)]
    public int DefaultRawLimit { get; set; } = 1_000;

    /// <summary>A device that keeps sending invalid telemetry is logged once per this interval (with a count of the rest).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RefusalLogInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Units per metric key, added to or replacing the built-in table (<see cref="TelemetryUnits"/>); "" means no unit.</summary>
    public Dictionary<string, string?> Units { get; } = new(StringComparer.Ordinal);
}
