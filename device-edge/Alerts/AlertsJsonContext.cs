using System.Text.Json;
using System.Text.Json.Serialization;

namespace Facade.DeviceEdge.Alerts;

/// <summary>The alert API's JSON: camelCase, strict on input like the registry's (unknown, null-where-required and repeated fields are errors).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    NumberHandling = JsonNumberHandling.Strict,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(AlertRuleRequest))]
[JsonSerializable(typeof(AlertRuleView))]
[JsonSerializable(typeof(AlertRuleListView))]
[JsonSerializable(typeof(AlertsOverview))]
[JsonSerializable(typeof(WebhookSecretView))]
[JsonSerializable(typeof(AlertNotificationBody))]
internal sealed partial class AlertsJsonContext : JsonSerializerContext;
