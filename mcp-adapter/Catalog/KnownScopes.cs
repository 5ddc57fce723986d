namespace Facade.McpAdapter.Catalog;

/// <summary>
/// The API scopes a catalog entry may require (ARCHITECTURE.md, "Scopes"). Identity scopes
/// (<c>openid profile email offline_access</c>) never gate a tool, so they are not listed here.
/// </summary>
public static class KnownScopes
{
    public static IReadOnlyList<string> All { get; } =
    [
        "organizations:read",
        "tasks:read",
        "tasks:write",
        "devices:read",
        "devices:write",
        "telemetry:read",
        "commands:write",
        "rules:read",
        "rules:write",
        "agents:invoke",
    ];

    private static readonly HashSet<string> Set = new(All, StringComparer.Ordinal);

    public static bool IsKnown(string scope) => Set.Contains(scope);
}
