using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;

namespace Facade.Proxy.Edge;

/// <summary>
/// Rejects a routes file with unknown scopes, auth values, upstream modes or rate limit policies. At start-up that
/// stops the edge; on hot reload YARP keeps the last good configuration and logs the error. Fail closed, never open.
/// </summary>
internal sealed class EdgeConfigFilter(IConfiguration configuration, IOptions<EdgeOptions> edge, IOptions<RateLimitOptions> rateLimits) : IProxyConfigFilter
{
    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel)
    {
        var errors = UpstreamMode.Validate(cluster, configuration, edge.Value).ToList();
        return errors.Count == 0
            ? ValueTask.FromResult(cluster)
            : throw new InvalidOperationException(string.Join(Environment.NewLine, errors));
    }

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel)
    {
        var errors = RoutePolicy.Validate(route).ToList();
        var configured = HandOverRateLimiterPolicy(route, errors);
        return errors.Count == 0
            ? ValueTask.FromResult(configured)
            : throw new InvalidOperationException(string.Join(Environment.NewLine, errors));
    }

    /// <summary>
    /// ASP.NET Core's rate limiter middleware runs before the edge has authenticated anyone, so it could only tell
    /// callers apart by raw headers. The edge applies the policy itself (<see cref="EdgeRateLimiter"/>): the route's
    /// <c>RateLimiterPolicy</c> moves into its metadata, where neither that middleware nor YARP's own validator (which
    /// only knows the middleware's policies) looks for it.
    /// </summary>
    private RouteConfig HandOverRateLimiterPolicy(RouteConfig route, List<string> errors)
    {
        var name = string.IsNullOrEmpty(route.RateLimiterPolicy) ? route.Metadata?.GetValueOrDefault(RoutePolicy.RateLimitKey) : route.RateLimiterPolicy;
        var metadata = new Dictionary<string, string>(route.Metadata ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase);
        metadata.Remove(RoutePolicy.RateLimitKey);
        if (!string.IsNullOrEmpty(name) && !string.Equals(name, RateLimitOptions.Disable, StringComparison.OrdinalIgnoreCase))
        {
            if (!rateLimits.Value.Policies.ContainsKey(name))
            {
                errors.Add($"Route '{route.RouteId}': RateLimiterPolicy '{name}' is not one of {RateLimitOptions.SectionName}:Policies "
                    + $"({string.Join(", ", rateLimits.Value.Policies.Keys)}).");
            }

            metadata[RoutePolicy.RateLimitKey] = name;
        }

        return route with { RateLimiterPolicy = null, Metadata = metadata };
    }
}
