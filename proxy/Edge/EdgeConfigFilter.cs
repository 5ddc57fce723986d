using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;

namespace Facade.Proxy.Edge;

/// <summary>
/// Rejects a routes file with unknown scopes, auth values or upstream modes. At start-up that stops the edge; on hot
/// reload YARP keeps the last good configuration and logs the error. Fail closed, never open.
/// </summary>
internal sealed class EdgeConfigFilter(IConfiguration configuration, IOptions<EdgeOptions> edge) : IProxyConfigFilter
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
        return errors.Count == 0
            ? ValueTask.FromResult(route)
            : throw new InvalidOperationException(string.Join(Environment.NewLine, errors));
    }
}
