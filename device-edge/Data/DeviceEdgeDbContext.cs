using Facade.DeviceEdge.Alerts;
using Facade.DeviceEdge.Commands;
using Facade.DeviceEdge.Registry;
using Facade.DeviceEdge.Shadows;
using Facade.DeviceEdge.Status;
using Facade.DeviceEdge.Telemetry;
using Microsoft.EntityFrameworkCore;

namespace Facade.DeviceEdge.Data;

/// <summary>
/// The device edge's database: the registry (devices, shares), persisted status, telemetry, commands,
/// shadows, alert rules, alerts and their notification outbox. Each feature configures its own entities; new features add theirs here and a migration
/// for each provider (this type is the SQLite one and owns <c>Data/Migrations</c>).
/// </summary>
public class DeviceEdgeDbContext : DbContext
{
    public DeviceEdgeDbContext(DbContextOptions<DeviceEdgeDbContext> options)
        : base(options)
    {
    }

    /// <summary>For <see cref="PostgreSqlDeviceEdgeDbContext"/>: the same model, its own migrations.</summary>
    protected DeviceEdgeDbContext(DbContextOptions options)
        : base(options)
    {
    }

    internal DbSet<Device> Devices => Set<Device>();

    internal DbSet<DeviceShare> DeviceShares => Set<DeviceShare>();

    internal DbSet<DeviceStatusRecord> DeviceStatuses => Set<DeviceStatusRecord>();

    internal DbSet<AlertRecord> Alerts => Set<AlertRecord>();

    internal DbSet<TelemetrySeries> TelemetrySeries => Set<TelemetrySeries>();

    internal DbSet<TelemetryPoint> TelemetryPoints => Set<TelemetryPoint>();

    internal DbSet<TelemetryMinute> TelemetryMinutes => Set<TelemetryMinute>();

    internal DbSet<AlertRule> AlertRules => Set<AlertRule>();

    internal DbSet<AlertNotification> AlertNotifications => Set<AlertNotification>();

    internal DbSet<DeviceCommand> Commands => Set<DeviceCommand>();

    internal DbSet<DeviceShadow> Shadows => Set<DeviceShadow>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);

        // Unix milliseconds: SQLite cannot order or compare DateTimeOffset stored as text, and time ranges matter here.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<Device>(Device.Configure);
        modelBuilder.Entity<DeviceShare>(DeviceShare.Configure);
        modelBuilder.Entity<DeviceStatusRecord>(DeviceStatusRecord.Configure);
        modelBuilder.Entity<AlertRecord>(AlertRecord.Configure);
        modelBuilder.Entity<TelemetrySeries>(Telemetry.TelemetrySeries.Configure);
        modelBuilder.Entity<TelemetryPoint>(TelemetryPoint.Configure);
        modelBuilder.Entity<TelemetryMinute>(TelemetryMinute.Configure);
        modelBuilder.Entity<AlertRule>(AlertRule.Configure);
        modelBuilder.Entity<AlertNotification>(AlertNotification.Configure);
        modelBuilder.Entity<DeviceCommand>(DeviceCommand.Configure);
        modelBuilder.Entity<DeviceShadow>(DeviceShadow.Configure);
    }
}
