using Facade.Common;

namespace Facade.Proxy.Realtime;

/// <summary>
/// A channel a client may subscribe to (REALTIME-CONTRACT): <c>devices/{id}/telemetry</c> (<c>telemetry:read</c>),
/// <c>devices/{id}/status</c> and <c>devices/{id}/commands</c> (<c>devices:read</c>), <c>alerts</c> (<c>rules:read</c>,
/// the caller's own rules). <see cref="RouteKey"/> is what the hub indexes subscribers by: the name, except for
/// <c>alerts</c>, which is per user.
/// </summary>
internal sealed record RealtimeChannel(string Name, string? DeviceId, string Scope, string RouteKey)
{
    public const string Alerts = "alerts";
    private const int MaxDeviceIdLength = 128;

    public static bool TryParse(string? name, string subject, out RealtimeChannel channel)
    {
        channel = null!;
        if (name == Alerts)
        {
            channel = new RealtimeChannel(Alerts, null, "rules:read", AlertsRoute(subject));
            return true;
        }

        var parts = name?.Split('/');
        if (parts is not ["devices", var device, var kind] || !IsDeviceId(device))
        {
            return false;
        }

        var scope = kind switch
        {
            "telemetry" => "telemetry:read",
            "status" or "commands" => "devices:read",
            _ => null,
        };
        if (scope is null)
        {
            return false;
        }

        channel = new RealtimeChannel(name!, device, scope, name!);
        return true;
    }

    /// <summary>The route of a feed event: <c>devices/{id}/{kind}</c>, or the rule owner's alerts.</summary>
    public static string? RouteOf(string kind, string? device, string? subject) => kind switch
    {
        "telemetry" when device is not null => $"devices/{device}/telemetry",
        "status" when device is not null => $"devices/{device}/status",
        "command" when device is not null => $"devices/{device}/commands",
        "alert" when subject is not null => AlertsRoute(subject),
        _ => null,
    };

    /// <summary>The channel name a client sees for a route.</summary>
    public static string NameOf(string route) => route.StartsWith(Alerts + "\n", StringComparison.Ordinal) ? Alerts : route;

    private static string AlertsRoute(string subject) => Alerts + "\n" + subject;

    private static bool IsDeviceId(string id) =>
        id.Length is > 0 and <= MaxDeviceIdLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');

    /// <summary>Kept in sync with the scopes the channels require (common/Facade.Common/ScopeCatalog.cs, prefix <c>realtime</c>).</summary>
    public static IReadOnlyList<string> Scopes => ScopeCatalog.ByPrefix["realtime"];
}
