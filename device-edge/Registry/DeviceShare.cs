using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Facade.DeviceEdge.Registry;

/// <summary>The owner lets another user see (<see cref="ShareAccess.Read"/>) or also control a device (<c>device_shares</c>).</summary>
internal sealed class DeviceShare
{
    public required string DeviceId { get; set; }

    /// <summary>The other user's id (the <c>sub</c> of their tokens).</summary>
    public required string UserId { get; set; }

    public ShareAccess Access { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    internal static void Configure(EntityTypeBuilder<DeviceShare> entity)
    {
        entity.ToTable("device_shares");
        entity.HasKey(s => new { s.DeviceId, s.UserId });
        entity.Property(s => s.DeviceId).HasColumnName("device_id").HasMaxLength(Registry.DeviceId.MaxLength);
        entity.Property(s => s.UserId).HasColumnName("user_id").HasMaxLength(DeviceRules.MaxUserIdLength);
        entity.Property(s => s.Access).HasColumnName("access").HasConversion<string>().HasMaxLength(16);
        entity.Property(s => s.CreatedAt).HasColumnName("created");
        entity.HasIndex(s => s.UserId);
    }
}
