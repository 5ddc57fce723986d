using Facade.DeviceEdge.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Facade.DeviceEdge.Commands;

/// <summary>
/// A command sent to a device (<c>device_commands</c>), and its audit record: who asked (<see cref="Subject"/>, the
/// token's <c>sub</c>; <see cref="ClientId"/>, its <c>client_id</c>), what, when, and what became of it. Rows go with
/// their device, and finished ones after <see cref="CommandOptions.Retention"/>.
/// </summary>
internal sealed class DeviceCommand
{
    /// <summary>Insertion order: lists are newest first by it (timestamps tie within a millisecond).</summary>
    public long Sequence { get; set; }

    /// <summary>The public id, also the last level of the command topic: <c>cmd_</c> and 24 hex digits.</summary>
    public required string Id { get; set; }

    public required string DeviceId { get; set; }
    public required string Name { get; set; }

    /// <summary>The parameters: a JSON object, as sent to the device.</summary>
    public required string Params { get; set; }

    public CommandStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>The device's <c>result</c> object (JSON), when it sent one.</summary>
    public string? Result { get; set; }

    public string? Error { get; set; }

    public required string Subject { get; set; }
    public string? ClientId { get; set; }

    public const int MaxIdLength = 28;
    public const int MaxNameLength = 64;
    public const int MaxErrorLength = 1000;

    /// <summary>Client ids may be URLs (client metadata documents).</summary>
    public const int MaxClientIdLength = 2048;

    internal static void Configure(EntityTypeBuilder<DeviceCommand> entity)
    {
        entity.ToTable("device_commands");
        entity.HasKey(c => c.Sequence);
        entity.Property(c => c.Sequence).HasColumnName("seq").ValueGeneratedOnAdd();
        entity.Property(c => c.Id).HasColumnName("id").HasMaxLength(MaxIdLength).IsRequired();
        entity.Property(c => c.DeviceId).HasColumnName("device_id").HasMaxLength(Registry.DeviceId.MaxLength);
        entity.Property(c => c.Name).HasColumnName("name").HasMaxLength(MaxNameLength);
        entity.Property(c => c.Params).HasColumnName("params");
        entity.Property(c => c.Status).HasColumnName("status").HasMaxLength(16)
            .HasConversion(s => CommandStatuses.Name(s), s => CommandStatuses.Parse(s));
        entity.Property(c => c.CreatedAt).HasColumnName("created");
        entity.Property(c => c.ExpiresAt).HasColumnName("expires");
        entity.Property(c => c.DeliveredAt).HasColumnName("delivered");
        entity.Property(c => c.CompletedAt).HasColumnName("completed");
        entity.Property(c => c.Result).HasColumnName("result");
        entity.Property(c => c.Error).HasColumnName("error").HasMaxLength(MaxErrorLength);
        entity.Property(c => c.Subject).HasColumnName("subject").HasMaxLength(DeviceRules.MaxUserIdLength);
        entity.Property(c => c.ClientId).HasColumnName("client_id").HasMaxLength(MaxClientIdLength);
        entity.HasIndex(c => c.Id).IsUnique();
        entity.HasIndex(c => new { c.DeviceId, c.Sequence });
        entity.HasIndex(c => new { c.Status, c.ExpiresAt });
        entity.HasIndex(c => c.CompletedAt);
        entity.HasIndex(c => new { c.Subject, c.Sequence });
        entity.HasOne<Device>().WithMany().HasForeignKey(c => c.DeviceId).OnDelete(DeleteBehavior.Cascade);
    }
}
