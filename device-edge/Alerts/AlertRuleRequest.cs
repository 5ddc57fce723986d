using System.Text.RegularExpressions;
using Facade.DeviceEdge.Broker;
using Facade.DeviceEdge.Registry;

namespace Facade.DeviceEdge.Alerts;

/// <summary>
/// <c>POST /alerts/rules</c> and <c>PUT /alerts/rules/{id}</c> (a PUT replaces the whole rule). An absent selector
/// means every device the owner can see; <c>hysteresis</c> defaults to 0 and <c>enabled</c> to true.
/// </summary>
internal sealed record AlertRuleRequest(
    string? Name,
    SelectorRequest? Selector,
    string? Metric,
    string? Operator,
    double? Threshold,
    double? Hysteresis,
    ChannelRequest? Channel,
    bool? Enabled);

internal sealed record SelectorRequest(List<string?>? DeviceIds, string? Type, List<string?>? Tags);

internal sealed record ChannelRequest(string? Type, string? Url, string? Topic);

/// <summary>A request checked field by field; <see cref="Check"/> names the first field that is wrong.</summary>
internal static partial class AlertRuleRules
{
    public static string? Check(AlertRuleRequest request, bool allowInsecureWebhooks)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CheckName(request.Name)
            ?? CheckSelector(request.Selector)
            ?? CheckMetric(request.Metric)
            ?? (AlertOperators.Parse(request.Operator) is null ? $"'operator' must be {AlertOperators.Allowed}." : null)
            ?? (request.Threshold is not { } threshold || !double.IsFinite(threshold) ? "'threshold' is required and must be a finite number." : null)
            ?? (request.Hysteresis is { } hysteresis && (!double.IsFinite(hysteresis) || hysteresis < 0) ? "'hysteresis' must be a finite number, 0 or more." : null)
            ?? CheckChannel(request.Channel, allowInsecureWebhooks);
    }

    private static string? CheckName(string? name) =>
        string.IsNullOrWhiteSpace(name) ? "'name' is required."
        : name.Length > AlertRuleLimits.MaxNameLength || name.Any(char.IsControl) ? $"'name' must be at most {AlertRuleLimits.MaxNameLength} characters without control characters."
        : null;

    private static string? CheckMetric(string? metric) =>
        metric is null || !MetricPattern().IsMatch(metric)
            ? $"'metric' is required and must match [A-Za-z0-9][A-Za-z0-9._-]{{0,{AlertRuleLimits.MaxMetricLength - 1}}} (a sensor key such as 'temperature')."
            : null;

    private static string? CheckSelector(SelectorRequest? selector)
    {
        if (selector is null)
        {
            return null;
        }

        if (selector.DeviceIds is { } ids)
        {
            if (ids.Count > AlertRuleLimits.MaxSelectorDeviceIds)
            {
                return $"'selector.deviceIds' may list at most {AlertRuleLimits.MaxSelectorDeviceIds} devices.";
            }

            if (ids.Any(id => !DeviceId.IsValid(id)))
            {
                return $"'selector.deviceIds' must hold device ids ({DeviceId.Rule}).";
            }
        }

        if (selector.Type is not null && DeviceRules.CheckType(selector.Type) is not null)
        {
            return $"'selector.type' must match [A-Za-z0-9][A-Za-z0-9._-]{{0,{DeviceRules.MaxTypeLength - 1}}}.";
        }

        if (selector.Tags is { } tags && (tags.Count > AlertRuleLimits.MaxSelectorTags || DeviceRules.CheckTags(tags) is not null))
        {
            return $"'selector.tags' must be at most {AlertRuleLimits.MaxSelectorTags} tags of [A-Za-z0-9][A-Za-z0-9._:=/-]{{0,{DeviceRules.MaxTagLength - 1}}}.";
        }

        return null;
    }

    private static string? CheckChannel(ChannelRequest? channel, bool allowInsecureWebhooks) => channel switch
    {
        null => "'channel' is required: {\"type\":\"webhook\",\"url\":\"https://…\"} or {\"type\":\"mqtt\",\"topic\":\"alerts/…\"}.",
        { Type: "webhook", Topic: not null } => "'channel.topic' belongs to an mqtt channel; a webhook channel has a 'url'.",
        { Type: "webhook" } => WebhookUrls.Check(channel.Url, allowInsecureWebhooks),
        { Type: "mqtt", Url: not null } => "'channel.url' belongs to a webhook channel; an mqtt channel has a 'topic'.",
        { Type: "mqtt" } => AlertTopics.IsValid(channel.Topic) ? null : $"'channel.topic' must be {AlertTopics.Rule}.",
        _ => "'channel.type' must be 'webhook' or 'mqtt'.",
    };

    /// <summary>Copies a checked request into <paramref name="rule"/>; the webhook secret is the caller's business.</summary>
    public static void Apply(AlertRuleRequest request, AlertRule rule)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(rule);
        rule.Name = request.Name!.Trim();
        rule.DeviceIds = (request.Selector?.DeviceIds ?? []).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        rule.DeviceType = request.Selector?.Type;
        rule.Tags = DeviceRules.NormalizeTags(request.Selector?.Tags);
        rule.Metric = request.Metric!;
        rule.Operator = AlertOperators.Parse(request.Operator)!.Value;
        rule.Threshold = request.Threshold!.Value;
        rule.Hysteresis = request.Hysteresis ?? 0;
        rule.ChannelType = request.Channel!.Type == "webhook" ? AlertChannelType.Webhook : AlertChannelType.Mqtt;
        rule.WebhookUrl = rule.ChannelType == AlertChannelType.Webhook ? request.Channel.Url : null;
        rule.Topic = rule.ChannelType == AlertChannelType.Mqtt ? request.Channel.Topic : null;
        rule.Enabled = request.Enabled ?? true;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex MetricPattern();
}
