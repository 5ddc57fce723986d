using Yarp.ReverseProxy.Configuration;

namespace Facade.Proxy.Edge;

/// <summary>
/// How a cluster receives the caller's identity (cluster metadata <c>Facade.UpstreamToken</c>):
/// <c>forward</c> the same bearer token (default), <c>api-key</c> replaces it with the backend's own secret,
/// <c>identity</c> replaces it with HMAC-signed <c>X-Facade-*</c> headers.
/// </summary>
public static class UpstreamMode
{
    public const string Key = "Facade.UpstreamToken";
    public const string ApiKeyHeaderKey = "Facade.ApiKeyHeader";
    public const string ApiKeySecretKey = "Facade.ApiKeySecret";

    public const string Forward = "forward";
    public const string ApiKey = "api-key";
    public const string Identity = "identity";

    public static string Of(ClusterConfig? cluster) =>
        cluster?.Metadata is { } metadata && metadata.TryGetValue(Key, out var mode) && !string.IsNullOrWhiteSpace(mode) ? mode : Forward;

    public static IEnumerable<string> Validate(ClusterConfig cluster, IConfiguration configuration, EdgeOptions edge)
    {
        var mode = Of(cluster);
        switch (mode)
        {
            case Forward:
                break;
            case ApiKey:
                var secretKey = cluster.Metadata?.GetValueOrDefault(ApiKeySecretKey);
                if (string.IsNullOrWhiteSpace(secretKey))
                {
                    yield return $"Cluster '{cluster.ClusterId}': api-key mode needs {ApiKeySecretKey}, the configuration key that holds the backend secret.";
                }
                else if (string.IsNullOrEmpty(configuration[secretKey]))
                {
                    yield return $"Cluster '{cluster.ClusterId}': the configuration key '{secretKey}' named by {ApiKeySecretKey} is empty.";
                }

                break;
            case Identity:
                if (edge.IdentitySigningKey is not { Length: >= 32 })
                {
                    yield return $"Cluster '{cluster.ClusterId}': identity mode needs Facade:Edge:IdentitySigningKey (at least 32 characters).";
                }

                break;
            default:
                yield return $"Cluster '{cluster.ClusterId}': {Key} '{mode}' must be forward, api-key or identity.";
                break;
        }
    }
}
