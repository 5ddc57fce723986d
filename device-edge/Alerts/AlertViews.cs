using System.Text.Json.Serialization;

namespace Facade.DeviceEdge.Alerts;

/// <summary>A rule as its owner sees it. <see cref="State"/> in listings; <see cref="Secret"/> only when a webhook secret is new.</summary>
internal sealed record AlertRuleView(
    string Id,
    string Name,
    SelectorView Selector,
    string Metric,
    string Operator,
    double Threshold,
    double Hysteresis,
    ChannelView Channel,
    bool Enabled,
    string Owner,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RuleStateView? State { get; init; }

    /// <summary>The webhook signing secret: in the answer that created it, and nowhere else ever again.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Secret { get; init; }

    public static AlertRuleView From(AlertRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var selector = new SelectorView(rule.DeviceIds.Count > 0 ? rule.DeviceIds : null, rule.DeviceType, rule.Tags.Count > 0 ? rule.Tags : null);
        var channel = rule.ChannelType == AlertChannelType.Webhook
            ? new ChannelView("webhook", rule.WebhookUrl, null, rule.WebhookSecret is not null)
            : new ChannelView("mqtt", null, rule.Topic, null);
        return new AlertRuleView(rule.Id, rule.Name, selector, rule.Metric, AlertOperators.Symbol(rule.Operator), rule.Threshold, rule.Hysteresis,
            channel, rule.Enabled, rule.OwnerId, rule.CreatedAt, rule.UpdatedAt);
    }
}

internal sealed record SelectorView(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? DeviceIds,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Tags);

/// <summary><see cref="Signed"/>: deliveries carry a <c>webhook-signature</c> (webhook channels only).</summary>
internal sealed record ChannelView(
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Url,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Topic,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Signed);

/// <summary>How many of the rule's alerts fire now (on devices its owner can see).</summary>
internal sealed record RuleStateView(int Firing);

internal sealed record AlertView(
    long Id,
    string RuleId,
    string RuleName,
    string DeviceId,
    string Metric,
    double Value,
    double Threshold,
    string Operator,
    string State,
    DateTimeOffset FiredAt,
    DateTimeOffset? ResolvedAt,
    double? ResolvedValue)
{
    public static AlertView From(AlertRecord alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return new AlertView(alert.Id, alert.RuleId, alert.RuleName, alert.DeviceId, alert.Metric, alert.Value, alert.Threshold,
            AlertOperators.Symbol(alert.Operator), alert.IsFiring ? "firing" : "resolved", alert.FiredAt, alert.ResolvedAt, alert.ResolvedValue);
    }
}

/// <summary><c>GET /alerts</c>: the caller's rules, and the alerts of the devices the caller can see.</summary>
internal sealed record AlertsOverview(IReadOnlyList<AlertRuleView> Rules, IReadOnlyList<AlertView> Alerts);

internal sealed record AlertRuleListView(IReadOnlyList<AlertRuleView> Rules);

internal sealed record WebhookSecretView(string Id, string Secret);

/// <summary>What a channel delivers: the webhook body and the MQTT payload alike.</summary>
internal sealed record AlertNotificationBody(string Event, AlertView Alert, AlertRuleView Rule);
