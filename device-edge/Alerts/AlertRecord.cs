using Facade.DeviceEdge.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Facade.DeviceEdge.Alerts;

/// <summary>
/// An alert raised for a device (<c>alerts</c>); active until <see cref="ResolvedAt"/> is set. The fleet summary
/// counts devices with active alerts from this table. Only the columns the summary needs exist so far: the alert
/// rules feature adds its rule, severity and message columns with its own migration.
/// </summary>
internal sealed class AlertRecord
{
    public long Id { get; set; }
    public required string DeviceId { get; set; }
    public DateTimeOffset RaisedAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }

    internal static void Configure(EntityTypeBuilder<AlertRecord> entity)
    {
        entity.ToTable("alerts");
        entity.HasKey(a => a.Id);
        entity.Property(a => a.Id).HasColumnName("id");
        entity.Property(a => a.DeviceId).HasColumnName("device_id").HasMaxLength(Registry.DeviceId.MaxLength);
        entity.Property(a => a.RaisedAt).HasColumnName("raised");
        entity.Property(a => a.ResolvedAt).HasColumnName("resolved");
        entity.HasIndex(a => new { a.DeviceId, a.ResolvedAt });
        entity.HasOne<Device>().WithMany().HasForeignKey(a => a.DeviceId).OnDelete(DeleteBehavior.Cascade);
    }
}
