using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Facade.DeviceEdge.Registry;

/// <summary>A registered device (<c>devices</c>). Only a hash of its MQTT secret is stored.</summary>
internal sealed class Device
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public required string Type { get; set; }
    public List<string> Tags { get; set; } = [];
    public string? FirmwareVersion { get; set; }

    /// <summary>The owner's user id: the <c>sub</c> of their access tokens.</summary>
    public required string OwnerId { get; set; }

    /// <summary>The secret's hash in mosquitto's password-file format (see <see cref="DeviceSecret"/>).</summary>
    public required string SecretHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset SecretIssuedAt { get; set; }

    public List<DeviceShare> Shares { get; set; } = [];

    internal static void Configure(EntityTypeBuilder<Device> entity)
    {
        entity.ToTable("devices");
        entity.HasKey(d => d.Id);
        entity.Property(d => d.Id).HasColumnName("id").HasMaxLength(DeviceId.MaxLength);
        entity.Property(d => d.Name).HasColumnName("name").HasMaxLength(DeviceRules.MaxNameLength);
        entity.Property(d => d.Type).HasColumnName("type").HasMaxLength(DeviceRules.MaxTypeLength);
        entity.Property(d => d.Tags).HasColumnName("tags");
        entity.Property(d => d.FirmwareVersion).HasColumnName("firmware_version").HasMaxLength(DeviceRules.MaxFirmwareLength);
        entity.Property(d => d.OwnerId).HasColumnName("owner_id").HasMaxLength(DeviceRules.MaxUserIdLength);
        entity.Property(d => d.SecretHash).HasColumnName("secret_hash").HasMaxLength(DeviceSecret.MaxHashLength);
        entity.Property(d => d.CreatedAt).HasColumnName("created");
        entity.Property(d => d.UpdatedAt).HasColumnName("updated");
        entity.Property(d => d.SecretIssuedAt).HasColumnName("secret_issued");
        entity.HasIndex(d => d.OwnerId);
        entity.HasMany(d => d.Shares).WithOne().HasForeignKey(s => s.DeviceId).OnDelete(DeleteBehavior.Cascade);
    }
}
