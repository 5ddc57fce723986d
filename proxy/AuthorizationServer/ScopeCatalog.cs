namespace Facade.Proxy.AuthorizationServer;

/// <summary>Every scope the edge knows, with the plain words the consent page shows for it (ARCHITECTURE.md).</summary>
public static class ScopeCatalog
{
    public static readonly IReadOnlyDictionary<string, string> Descriptions = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["openid"] = "Know who you are (your user id)",
        ["profile"] = "See your name",
        ["email"] = "See your email address",
        ["offline_access"] = "Stay connected when you are not using it (refresh tokens)",
        ["organizations:read"] = "See your organizations",
        ["tasks:read"] = "See your tasks",
        ["tasks:write"] = "Create and change your tasks",
        ["devices:read"] = "See your devices and their status",
        ["devices:write"] = "Register and change devices",
        ["telemetry:read"] = "Read device telemetry and history",
        ["commands:write"] = "Send commands to devices",
        ["rules:read"] = "See alert rules",
        ["rules:write"] = "Create and change alert rules",
        ["agents:invoke"] = "Ask agents to act for you",
    };

    public static IReadOnlyCollection<string> All { get; } = Descriptions.Keys.ToArray();

    /// <summary>The scopes a client gets when it asks for none: identity only, nothing that reaches data.</summary>
    public static IReadOnlyCollection<string> Identity { get; } = ["openid", "profile", "email", "offline_access"];

    /// <summary>The API scopes advertised in the protected resource metadata of each protected prefix.</summary>
    public static IReadOnlyDictionary<string, string[]> ByPrefix { get; } = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)
    {
        ["api"] = ["organizations:read", "tasks:read", "tasks:write"],
        ["mcp"] = ["organizations:read", "tasks:read", "tasks:write", "devices:read", "devices:write", "telemetry:read", "commands:write", "rules:read", "rules:write", "agents:invoke"],
        ["devices"] = ["devices:read", "devices:write", "telemetry:read", "commands:write"],
        ["realtime"] = ["tasks:read", "devices:read", "telemetry:read"],
        ["alerts"] = ["rules:read", "rules:write"],
    };

    public static bool IsKnown(string scope) => Descriptions.ContainsKey(scope);

    public static string Describe(string scope) => Descriptions.TryGetValue(scope, out var text) ? text : scope;
}
