using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Facade.DeviceEdge.Alerts;

/// <summary>
/// An alert rule (<c>alert_rules</c>): when <see cref="Metric"/> of a device its owner can see and its selector matches
/// crosses <see cref="Threshold"/>, an alert fires, and it resolves once the value is back past the threshold by
/// <see cref="Hysteresis"/>. Rules belong to the user who created them; nobody else sees them.
/// </summary>
internal sealed class AlertRule
{
    public required string Id { get; set; }

    /// <summary>The owner's user id (the <c>sub</c> of their tokens).</summary>
    public required string OwnerId { get; set; }

    public required string Name { get; set; }

    /// <summary>Selector: device ids (empty = any).</summary>
    public List<string> DeviceIds { get; set; } = [];

    /// <summary>Selector: device type (null = any).</summary>
    public string? DeviceType { get; set; }

    /// <summary>Selector: tags a device must all carry (empty = any).</summary>
    public List<string> Tags { get; set; } = [];

    public required string Metric { get; set; }

    public AlertOperator Operator { get; set; }

    public double Threshold { get; set; }

    public double Hysteresis { get; set; }

    public AlertChannelType ChannelType { get; set; }

    /// <summary>The webhook URL (channel <c>webhook</c>).</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>
    /// The webhook signing secret (<c>whsec_…</c>), shown to the owner once. Kept as is, not hashed: the service needs it
    /// to sign every delivery (a verifier of a hash could not).
    /// </summary>
    public string? WebhookSecret { get; set; }

    /// <summary>The MQTT topic (channel <c>mqtt</c>), under <c>alerts/</c>.</summary>
    public string? Topic { get; set; }

    public bool Enabled { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    internal static void Configure(EntityTypeBuilder<AlertRule> entity)
    {
        entity.ToTable("alert_rules");
        entity.HasKey(r => r.Id);
        entity.Property(r => r.Id).HasColumnName("id").HasMaxLength(AlertRuleId.Length);
        entity.Property(r => r.OwnerId).HasColumnName("owner_id").HasMaxLength(Registry.DeviceRules.MaxUserIdLength);
        entity.Property(r => r.Name).HasColumnName("name").HasMaxLength(AlertRuleLimits.MaxNameLength);
        entity.Property(r => r.DeviceIds).HasColumnName("device_ids");
        entity.Property(r => r.DeviceType).HasColumnName("device_type").HasMaxLength(Registry.DeviceRules.MaxTypeLength);
        entity.Property(r => r.Tags).HasColumnName("tags");
        entity.Property(r => r.Metric).HasColumnName("metric").HasMaxLength(AlertRuleLimits.MaxMetricLength);
        entity.Property(r => r.Operator).HasColumnName("operator").HasConversion(o => AlertOperators.Symbol(o), s => AlertOperators.Parse(s)!.Value).HasMaxLength(2);
        entity.Property(r => r.Threshold).HasColumnName("threshold");
        entity.Property(r => r.Hysteresis).HasColumnName("hysteresis");
        entity.Property(r => r.ChannelType).HasColumnName("channel").HasConversion<string>().HasMaxLength(16);
        entity.Property(r => r.WebhookUrl).HasColumnName("webhook_url").HasMaxLength(AlertRuleLimits.MaxUrlLength);
        entity.Property(r => r.WebhookSecret).HasColumnName("webhook_secret").HasMaxLength(100);
        entity.Property(r => r.Topic).HasColumnName("topic").HasMaxLength(Broker.AlertTopics.MaxLength);
        entity.Property(r => r.Enabled).HasColumnName("enabled");
        entity.Property(r => r.CreatedAt).HasColumnName("created");
        entity.Property(r => r.UpdatedAt).HasColumnName("updated");
        entity.HasIndex(r => r.OwnerId);
    }
}

/// <summary>Where a rule's notifications go.</summary>
internal enum AlertChannelType
{
    Webhook = 1,
    Mqtt = 2,
}
