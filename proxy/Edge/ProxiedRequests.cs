using Yarp.ReverseProxy.Model;

namespace Facade.Proxy.Edge;

/// <summary>
/// Tells proxied requests apart from the edge's own pages and OAuth endpoints, so that proxied requests skip the
/// site pipeline (OpenIddict's request handlers, cookie authentication, status code pages): the edge step
/// authenticates them itself. Paths the edge owns are never treated as proxied, even when a route's pattern
/// would match them, so a catch-all route cannot take over the authorization server.
/// </summary>
internal static class ProxiedRequests
{
    private static readonly string[] OwnedSegments = ["oauth", ".well-known", "account", "healthz", "first-party-token", "console", "realtime"];

    public static bool IsProxied(HttpContext context)
    {
        var route = context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>();

        // A route with an ASP.NET authorization or CORS policy needs the site pipeline's middleware to enforce it.
        return route is not null
            && route.Config.AuthorizationPolicy is null
            && route.Config.CorsPolicy is null
            && !IsOwnedPath(context.Request.Path);
    }

    public static bool IsOwnedPath(PathString path)
    {
        var first = FirstSegment(path);
        foreach (var owned in OwnedSegments)
        {
            if (first.Equals(owned, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The first segment of a path (<c>api</c> for <c>/api/tasks</c>), leading slashes ignored.</summary>
    public static ReadOnlySpan<char> FirstSegment(PathString path)
    {
        var value = path.Value.AsSpan().TrimStart('/');
        var end = value.IndexOf('/');
        return end < 0 ? value : value[..end];
    }
}
