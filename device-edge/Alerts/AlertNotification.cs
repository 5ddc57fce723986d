using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Facade.DeviceEdge.Alerts;

/// <summary>
/// A notification waiting to be delivered (<c>alert_notifications</c>): the outbox the sender works through. Written in
/// the same transaction as the alert change it reports, so a restart neither loses nor invents one; deleted once
/// delivered or given up on. The body is fixed when the alert changes: retries send the very same bytes.
/// </summary>
internal sealed class AlertNotification
{
    public long Id { get; set; }
    public long AlertId { get; set; }

    /// <summary><c>fired</c> or <c>resolved</c>.</summary>
    public required string Event { get; set; }

    /// <summary>The JSON body: <c>{"event", "alert", "rule"}</c>.</summary>
    public required byte[] Payload { get; set; }

    /// <summary>Delivery attempts made so far.</summary>
    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Why the last attempt failed (a status code or an error kind, never a response body).</summary>
    public string? LastError { get; set; }

    internal const int MaxErrorLength = 200;

    internal static void Configure(EntityTypeBuilder<AlertNotification> entity)
    {
        entity.ToTable("alert_notifications");
        entity.HasKey(n => n.Id);
        entity.Property(n => n.Id).HasColumnName("id");
        entity.Property(n => n.AlertId).HasColumnName("alert_id");
        entity.Property(n => n.Event).HasColumnName("event").HasMaxLength(16);
        entity.Property(n => n.Payload).HasColumnName("payload");
        entity.Property(n => n.Attempts).HasColumnName("attempts");
        entity.Property(n => n.NextAttemptAt).HasColumnName("next_attempt");
        entity.Property(n => n.CreatedAt).HasColumnName("created");
        entity.Property(n => n.LastError).HasColumnName("last_error").HasMaxLength(MaxErrorLength);
        entity.HasIndex(n => n.NextAttemptAt);
        entity.HasIndex(n => n.AlertId);
        entity.HasOne<AlertRecord>().WithMany().HasForeignKey(n => n.AlertId).OnDelete(DeleteBehavior.Cascade);
    }
}
