using Facade.DeviceEdge.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Facade.DeviceEdge.Shadows;

/// <summary>
/// A device's shadow (<c>device_shadows</c>): the configuration users want it to have (<see cref="Desired"/>, versioned:
/// every change moves <see cref="DesiredVersion"/> on) and what the device last said it has (<see cref="Reported"/>,
/// with the desired version it had applied). Both are JSON objects. A device without a row has empty ones at version 0.
/// </summary>
internal sealed class DeviceShadow
{
    public required string DeviceId { get; set; }

    public string Desired { get; set; } = "{}";

    /// <summary>Also the concurrency token: two changes to the same shadow never overwrite one another.</summary>
    public long DesiredVersion { get; set; }

    public DateTimeOffset? DesiredAt { get; set; }

    public string Reported { get; set; } = "{}";

    public long ReportedVersion { get; set; }

    public DateTimeOffset? ReportedAt { get; set; }

    internal static void Configure(EntityTypeBuilder<DeviceShadow> entity)
    {
        entity.ToTable("device_shadows");
        entity.HasKey(s => s.DeviceId);
        entity.Property(s => s.DeviceId).HasColumnName("device_id").HasMaxLength(Registry.DeviceId.MaxLength);
        entity.Property(s => s.Desired).HasColumnName("desired");
        entity.Property(s => s.DesiredVersion).HasColumnName("desired_version").IsConcurrencyToken();
        entity.Property(s => s.DesiredAt).HasColumnName("desired_at");
        entity.Property(s => s.Reported).HasColumnName("reported");
        entity.Property(s => s.ReportedVersion).HasColumnName("reported_version");
        entity.Property(s => s.ReportedAt).HasColumnName("reported_at");
        entity.HasOne<Device>().WithOne().HasForeignKey<DeviceShadow>(s => s.DeviceId).OnDelete(DeleteBehavior.Cascade);
    }
}
