using Facade.DeviceEdge.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Facade.DeviceEdge.Alerts;

/// <summary>
/// An alert a rule raised for a device (<c>alerts</c>): firing until <see cref="ResolvedAt"/> is set. At most one alert
/// of a rule and device fires at a time (a filtered unique index), and that row is the persisted state of the pair:
/// a restart picks up where it stopped. The rule's name, metric, operator and threshold are copied in, so an alert
/// keeps saying what it fired on. The fleet summary counts devices with firing alerts from here.
/// </summary>
internal sealed class AlertRecord
{
    public long Id { get; set; }
    public required string RuleId { get; set; }
    public required string DeviceId { get; set; }
    public required string RuleName { get; set; }
    public required string Metric { get; set; }
    public AlertOperator Operator { get; set; }
    public double Threshold { get; set; }

    /// <summary>The value that fired it.</summary>
    public double Value { get; set; }

    public DateTimeOffset FiredAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }

    /// <summary>The value that resolved it; null when it was closed because its rule changed or stopped applying.</summary>
    public double? ResolvedValue { get; set; }

    public bool IsFiring => ResolvedAt is null;

    internal static void Configure(EntityTypeBuilder<AlertRecord> entity)
    {
        entity.ToTable("alerts");
        entity.HasKey(a => a.Id);
        entity.Property(a => a.Id).HasColumnName("id");
        entity.Property(a => a.RuleId).HasColumnName("rule_id").HasMaxLength(AlertRuleId.Length);
        entity.Property(a => a.DeviceId).HasColumnName("device_id").HasMaxLength(Registry.DeviceId.MaxLength);
        entity.Property(a => a.RuleName).HasColumnName("rule_name").HasMaxLength(AlertRuleLimits.MaxNameLength);
        entity.Property(a => a.Metric).HasColumnName("metric").HasMaxLength(AlertRuleLimits.MaxMetricLength);
        entity.Property(a => a.Operator).HasColumnName("operator").HasConversion(o => AlertOperators.Symbol(o), s => AlertOperators.Parse(s)!.Value).HasMaxLength(2);
        entity.Property(a => a.Threshold).HasColumnName("threshold");
        entity.Property(a => a.Value).HasColumnName("value");
        entity.Property(a => a.FiredAt).HasColumnName("fired");
        entity.Property(a => a.ResolvedAt).HasColumnName("resolved");
        entity.Property(a => a.ResolvedValue).HasColumnName("resolved_value");
        entity.Ignore(a => a.IsFiring);
        entity.HasIndex(a => new { a.DeviceId, a.ResolvedAt });
        entity.HasIndex(a => new { a.RuleId, a.DeviceId }).IsUnique().HasFilter("resolved IS NULL").HasDatabaseName("IX_alerts_firing");
        entity.HasOne<Device>().WithMany().HasForeignKey(a => a.DeviceId).OnDelete(DeleteBehavior.Cascade);
        entity.HasOne<AlertRule>().WithMany().HasForeignKey(a => a.RuleId).OnDelete(DeleteBehavior.Cascade);
    }
}
