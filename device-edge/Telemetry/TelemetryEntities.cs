using Facade.DeviceEdge.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Facade.DeviceEdge.Telemetry;

/// <summary>
/// One metric of one device (<c>telemetry_series</c>): its readings refer to it by <see cref="Id"/>, so each stored
/// reading is a small row (series, ts, value) instead of repeating the device id and key. Goes with its device.
/// </summary>
internal sealed class TelemetrySeries
{
    public long Id { get; set; }
    public required string DeviceId { get; set; }
    public required string Key { get; set; }

    internal static void Configure(EntityTypeBuilder<TelemetrySeries> entity)
    {
        entity.ToTable("telemetry_series");
        entity.HasKey(s => s.Id);
        entity.Property(s => s.Id).HasColumnName("id");
        entity.Property(s => s.DeviceId).HasColumnName("device_id").HasMaxLength(Registry.DeviceId.MaxLength);
        entity.Property(s => s.Key).HasColumnName("key").HasMaxLength(TelemetryKey.MaxLength);
        entity.HasIndex(s => new { s.DeviceId, s.Key }).IsUnique();
        entity.HasOne<Device>().WithMany().HasForeignKey(s => s.DeviceId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// One stored reading (<c>telemetry_points</c>): the primary key (series, ts) orders a series' readings by time for
/// range queries, and makes a redelivered reading (same device, key and ts) a no-op. <see cref="Timestamp"/> is Unix
/// milliseconds. The table is <c>WITHOUT ROWID</c> (see the Telemetry migration): the key is the table.
/// </summary>
internal sealed class TelemetryPoint
{
    public long SeriesId { get; set; }
    public long Timestamp { get; set; }
    public double Value { get; set; }

    internal static void Configure(EntityTypeBuilder<TelemetryPoint> entity)
    {
        entity.ToTable("telemetry_points");
        entity.HasKey(p => new { p.SeriesId, p.Timestamp });
        entity.Property(p => p.SeriesId).HasColumnName("series_id");
        entity.Property(p => p.Timestamp).HasColumnName("ts");
        entity.Property(p => p.Value).HasColumnName("value");
        entity.HasOne<TelemetrySeries>().WithMany().HasForeignKey(p => p.SeriesId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// A series' readings of one minute, summed up as they are stored (<c>telemetry_minutes</c>): min, max, sum and count
/// of the minute starting at <see cref="Start"/> (Unix milliseconds). History at <c>1m</c>, <c>1h</c> and <c>1d</c>
/// reads these instead of every reading: a day is 1,440 rows however often the device reports.
/// </summary>
internal sealed class TelemetryMinute
{
    public long SeriesId { get; set; }
    public long Start { get; set; }
    public double Min { get; set; }
    public double Max { get; set; }
    public double Sum { get; set; }
    public long Count { get; set; }

    internal static void Configure(EntityTypeBuilder<TelemetryMinute> entity)
    {
        entity.ToTable("telemetry_minutes");
        entity.HasKey(m => new { m.SeriesId, m.Start });
        entity.Property(m => m.SeriesId).HasColumnName("series_id");
        entity.Property(m => m.Start).HasColumnName("ts");
        entity.Property(m => m.Min).HasColumnName("min_value");
        entity.Property(m => m.Max).HasColumnName("max_value");
        entity.Property(m => m.Sum).HasColumnName("sum_value");
        entity.Property(m => m.Count).HasColumnName("count");
        entity.HasOne<TelemetrySeries>().WithMany().HasForeignKey(m => m.SeriesId).OnDelete(DeleteBehavior.Cascade);
    }
}
