namespace Facade.Common;

/// <summary>
/// Every OAuth scope Facade knows (docs/architecture.md, "Scopes"), with the plain words the consent page shows for it and
/// the scopes each protected prefix advertises. The one definition the edge (route policies, discovery, client
/// registration, consent) and the adapter (catalog validation) share. (Not named <c>Scopes</c>: that would clash with
/// <c>OpenIddictConstants.Scopes</c> wherever the edge imports OpenIddict's constants.)
/// </summary>
public static class ScopeCatalog
{
    /// <summary>Lets a client create API keys that act as the user; never granted without the user seeing it.</summary>
    public const string KeysWrite = "keys:write";

    public const string OfflineAccess = "offline_access";

    /// <summary>Calls an agent: its MCP server (<c>/agents/{id}/mcp</c>) and, through it, its channel.</summary>
    public const string AgentsInvoke = "agents:invoke";

    /// <summary>
    /// Lets an agent's runtime read its inbox and reply. Operator-only: it exists only on agent keys the admin command
    /// line creates, never in discovery, client registration, consent or any OAuth grant.
    /// </summary>
    public const string AgentsServe = "agents:serve";

    /// <summary>
    /// Reads the device edge's realtime event feed (every user's events). Operator-only and held by no user: only the
    /// edge's own service token carries it (proxy/Realtime), never an OAuth grant, discovery, registration or a key.
    /// </summary>
    public const string RealtimeFeed = "realtime:feed";

    /// <summary>Scope → what the consent page says about it, in the order pages list them.</summary>
    public static IReadOnlyDictionary<string, string> Descriptions { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["openid"] = "Know who you are (your user id)",
        ["profile"] = "See your name",
        ["email"] = "See your email address",
        [OfflineAccess] = "Stay connected when you are not using it (refresh tokens)",
        ["organizations:read"] = "See your organizations",
        ["tasks:read"] = "See your tasks",
        ["tasks:write"] = "Create and change your tasks",
        ["devices:read"] = "See your devices and their status",
        ["devices:write"] = "Register and change devices",
        ["telemetry:read"] = "Read device telemetry and history",
        ["commands:write"] = "Send commands to devices",
        ["rules:read"] = "See alert rules",
        ["rules:write"] = "Create and change alert rules",
        [AgentsInvoke] = "Ask agents to act for you",
        [KeysWrite] = "Create API keys that act as you",
    };

    /// <summary>Every scope, in the order of <see cref="Descriptions"/>.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Descriptions.Keys];

    /// <summary>Who the user is and how long the client stays connected; what a client gets when it asks for nothing.</summary>
    public static IReadOnlyList<string> Identity { get; } = ["openid", "profile", "email", OfflineAccess];

    /// <summary>The scopes that reach data: routes, tools, resources and prompts require these, never identity scopes.</summary>
    public static IReadOnlyList<string> Api { get; } = [.. All.Except(Identity, StringComparer.Ordinal)];

    /// <summary>Scopes a client only gets after the user saw them on the consent page (no implicit first-party consent).</summary>
    public static IReadOnlySet<string> NeverGrantedSilently { get; } = new HashSet<string>([KeysWrite], StringComparer.Ordinal);

    /// <summary>The API scopes advertised in the protected resource metadata of each protected prefix.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ByPrefix { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
    {
        ["api"] = ["organizations:read", "tasks:read", "tasks:write"],
        ["mcp"] = ["organizations:read", "tasks:read", "tasks:write", "devices:read", "devices:write", "telemetry:read", "commands:write", "rules:read", "rules:write", AgentsInvoke],
        ["devices"] = ["devices:read", "devices:write", "telemetry:read", "commands:write"],
        ["realtime"] = ["devices:read", "telemetry:read", "rules:read"],
        ["alerts"] = ["rules:read", "rules:write"],
    };

    /// <summary>Scopes no OAuth client can ask for (not in <see cref="All"/>); routes may still require them.</summary>
    public static IReadOnlyDictionary<string, string> OperatorOnly { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [AgentsServe] = "Answer an agent's tool calls: read its inbox and reply",
        [RealtimeFeed] = "Read every device's realtime events (the edge's own service token only)",
    };

    private static readonly HashSet<string> ApiSet = new(Api, StringComparer.Ordinal);

    /// <summary>True for a scope OAuth clients may ask for (<see cref="All"/>); operator-only scopes are not.</summary>
    public static bool IsKnown(string scope) => Descriptions.ContainsKey(scope);

    public static bool IsOperatorOnly(string scope) => OperatorOnly.ContainsKey(scope);

    /// <summary>True for a known scope that gates data (not <c>openid profile email offline_access</c>).</summary>
    public static bool IsApi(string scope) => ApiSet.Contains(scope);

    public static string Describe(string scope) =>
        Descriptions.TryGetValue(scope, out var text) || OperatorOnly.TryGetValue(scope, out text) ? text : scope;
}
