using Facade.DeviceEdge.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Facade.DeviceEdge.Status;

/// <summary>
/// A device's status as last written to the database (<c>device_status</c>). The live status is kept in memory
/// (<see cref="DeviceStatusBoard"/>) and flushed here periodically, so busy devices do not cost a write per message.
/// </summary>
internal sealed class DeviceStatusRecord
{
    public required string DeviceId { get; set; }
    public bool Online { get; set; }

    /// <summary>When <see cref="Online"/> last changed.</summary>
    public DateTimeOffset? Since { get; set; }

    public DateTimeOffset? LastSeen { get; set; }

    /// <summary>The state the device last published on its status topic (its last will included).</summary>
    public string? LastReported { get; set; }

    public string? ClientAddress { get; set; }
    public string? ProtocolVersion { get; set; }
    public DateTimeOffset? ConnectedAt { get; set; }

    internal static void Configure(EntityTypeBuilder<DeviceStatusRecord> entity)
    {
        entity.ToTable("device_status");
        entity.HasKey(s => s.DeviceId);
        entity.Property(s => s.DeviceId).HasColumnName("device_id").HasMaxLength(Registry.DeviceId.MaxLength);
        entity.Property(s => s.Online).HasColumnName("online");
        entity.Property(s => s.Since).HasColumnName("since");
        entity.Property(s => s.LastSeen).HasColumnName("last_seen");
        entity.Property(s => s.LastReported).HasColumnName("last_reported").HasMaxLength(16);
        entity.Property(s => s.ClientAddress).HasColumnName("client_address").HasMaxLength(100);
        entity.Property(s => s.ProtocolVersion).HasColumnName("protocol_version").HasMaxLength(8);
        entity.Property(s => s.ConnectedAt).HasColumnName("connected_at");
        entity.HasOne<Device>().WithOne().HasForeignKey<DeviceStatusRecord>(s => s.DeviceId).OnDelete(DeleteBehavior.Cascade);
    }
}
