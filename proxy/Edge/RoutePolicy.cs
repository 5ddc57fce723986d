using System.Runtime.CompilerServices;
using Facade.Common;
using Yarp.ReverseProxy.Configuration;

namespace Facade.Proxy.Edge;

/// <summary>
/// What a YARP route demands, read from its metadata: <c>Facade.Scopes</c> (space-separated, all required),
/// <c>Facade.Auth</c> (<c>required</c>, the default, or <c>anonymous</c>), the rate limit policy (the route's
/// <c>RateLimiterPolicy</c>, which <see cref="EdgeConfigFilter"/> moves here) and <c>Facade.ResourcePath</c> (the path of
/// the protected resource the route serves when it is not its first path segment, e.g. <c>/api/mcp</c>: its challenges
/// and its protected resource metadata then name that path). Parsed once per route config.
/// </summary>
public sealed class RoutePolicy
{
    public const string ScopesKey = "Facade.Scopes";
    public const string AuthKey = "Facade.Auth";
    public const string RateLimitKey = "Facade.RateLimiterPolicy";
    public const string ResourcePathKey = "Facade.ResourcePath";

    private static readonly ConditionalWeakTable<RouteConfig, RoutePolicy> Cache = [];

    public bool Anonymous { get; private init; }

    public IReadOnlyList<string> Scopes { get; private init; } = [];

    public string ScopeText { get; private init; } = "";

    /// <summary>The <see cref="RateLimitOptions.Policies"/> entry the edge applies to this route, if any.</summary>
    public string? RateLimitPolicy { get; private init; }

    /// <summary>The route's own resource path without its slashes (<c>api/mcp</c>; empty for the root), or null.</summary>
    public string? ResourcePath { get; private init; }

    public static RoutePolicy For(RouteConfig route) => Cache.GetValue(route, Parse);

    /// <summary>All problems with a route's metadata, for config validation (empty when fine).</summary>
    public static IEnumerable<string> Validate(RouteConfig route)
    {
        var metadata = route.Metadata;
        if (metadata is null)
        {
            yield break;
        }

        if (metadata.TryGetValue(AuthKey, out var auth) && auth is not ("required" or "anonymous"))
        {
            yield return $"Route '{route.RouteId}': {AuthKey} '{auth}' must be 'required' or 'anonymous'.";
        }

        if (metadata.TryGetValue(ScopesKey, out var scopes))
        {
            foreach (var scope in Split(scopes).Where(s => !ScopeCatalog.IsKnown(s) && !ScopeCatalog.IsOperatorOnly(s)))
            {
                yield return $"Route '{route.RouteId}': scope '{scope}' in {ScopesKey} is not a known scope.";
            }
        }

        if (metadata.TryGetValue(ResourcePathKey, out var path) && NormalizeResourcePath(path) is null)
        {
            yield return $"Route '{route.RouteId}': {ResourcePathKey} '{path}' must be '/' or an absolute path of plain segments "
                + "(letters, digits, '-', '_', '.', '~'; no '.' or '..' segments, no query) outside the edge's own /oauth, /.well-known, /account and /healthz, e.g. /api/mcp.";
        }
    }

    /// <summary><c>/api/mcp</c> → <c>api/mcp</c>, <c>/</c> → empty; null for anything else.</summary>
    private static string? NormalizeResourcePath(string? path)
    {
        if (path is null || !path.StartsWith('/'))
        {
            return null;
        }

        var trimmed = path.Trim('/');
        if (trimmed.Length == 0)
        {
            return path == "/" ? "" : null;
        }

        var segments = trimmed.Split('/');
        var plain = segments.All(s => s.Length > 0 && s is not ("." or "..") && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~'));
        return plain && !ProxiedRequests.IsOwnedPath("/" + trimmed) ? trimmed : null;
    }

    private static RoutePolicy Parse(RouteConfig route)
    {
        var metadata = route.Metadata;
        var scopes = metadata is not null && metadata.TryGetValue(ScopesKey, out var value) ? Split(value) : [];
        return new RoutePolicy
        {
            Anonymous = metadata is not null && metadata.TryGetValue(AuthKey, out var auth) && auth == "anonymous",
            Scopes = scopes,
            ScopeText = string.Join(' ', scopes),
            RateLimitPolicy = metadata?.GetValueOrDefault(RateLimitKey),
            ResourcePath = metadata is not null && metadata.TryGetValue(ResourcePathKey, out var path) ? NormalizeResourcePath(path) : null,
        };
    }

    private static string[] Split(string? value) =>
        (value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
