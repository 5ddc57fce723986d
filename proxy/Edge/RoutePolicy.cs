using System.Runtime.CompilerServices;
using Facade.Common;
using Yarp.ReverseProxy.Configuration;

namespace Facade.Proxy.Edge;

/// <summary>
/// What a YARP route demands, read from its metadata: <c>Facade.Scopes</c> (space-separated, all required),
/// <c>Facade.Auth</c> (<c>required</c>, the default, or <c>anonymous</c>) and the rate limit policy (the route's
/// <c>RateLimiterPolicy</c>, which <see cref="EdgeConfigFilter"/> moves here). Parsed once per route config.
/// </summary>
public sealed class RoutePolicy
{
    public const string ScopesKey = "Facade.Scopes";
    public const string AuthKey = "Facade.Auth";
    public const string RateLimitKey = "Facade.RateLimiterPolicy";

    private static readonly ConditionalWeakTable<RouteConfig, RoutePolicy> Cache = [];

    public bool Anonymous { get; private init; }

    public IReadOnlyList<string> Scopes { get; private init; } = [];

    public string ScopeText { get; private init; } = "";

    /// <summary>The <see cref="RateLimitOptions.Policies"/> entry the edge applies to this route, if any.</summary>
    public string? RateLimitPolicy { get; private init; }

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
            foreach (var scope in Split(scopes).Where(s => !ScopeCatalog.IsKnown(s)))
            {
                yield return $"Route '{route.RouteId}': scope '{scope}' in {ScopesKey} is not a known scope.";
            }
        }
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
        };
    }

    private static string[] Split(string? value) =>
        (value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
