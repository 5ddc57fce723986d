namespace Facade.DeviceEdge.Auth;

/// <summary>The scopes of the device edge's REST API (docs/architecture.md).</summary>
internal static class DeviceScopes
{
    public const string DevicesRead = "devices:read";
    public const string DevicesWrite = "devices:write";
    public const string TelemetryRead = "telemetry:read";
    public const string CommandsWrite = "commands:write";
    public const string RulesRead = "rules:read";
    public const string RulesWrite = "rules:write";
}
