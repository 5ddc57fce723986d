using Yarp.ReverseProxy.Configuration;

namespace Facade.Proxy.Edge;

/// <summary>
/// How a cluster receives the caller's identity (cluster metadata <c>Facade.UpstreamToken</c>):
/// <c>forward</c> the same bearer token (default), <c>backend-secret</c> replaces it with the backend's own secret,
/// <c>identity</c> replaces it with HMAC-signed <c>X-Facade-*</c> headers. ("api-key" names only the users' and agents'
/// keys, ApiKeys/; the mode once called that was renamed, and the old names stop the edge with a message saying so.)
/// </summary>
public static class UpstreamMode
{
    public const string Key = "Facade.UpstreamToken";
    public const string BackendSecretHeaderKey = "Facade.BackendSecretHeader";
    public const string BackendSecretKey = "Facade.BackendSecret";

    public const string Forward = "forward";
    public const string BackendSecret = "backend-secret";
    public const string Identity = "identity";

    private const string RenamedMode = "api-key";
    private static readonly (string Old, string New)[] RenamedMetadata =
        [("Facade.ApiKeyHeader", BackendSecretHeaderKey), ("Facade.ApiKeySecret", BackendSecretKey)];

    public static string Of(ClusterConfig? cluster) =>
        cluster?.Metadata is { } metadata && metadata.TryGetValue(Key, out var mode) && !string.IsNullOrWhiteSpace(mode) ? mode : Forward;

    public static IEnumerable<string> Validate(ClusterConfig cluster, IConfiguration configuration, EdgeOptions edge)
    {
        foreach (var (old, renamed) in RenamedMetadata)
        {
            if (cluster.Metadata?.ContainsKey(old) == true)
            {
                yield return $"Cluster '{cluster.ClusterId}': {old} was renamed to {renamed}.";
            }
        }

        var mode = Of(cluster);
        switch (mode)
        {
            case Forward:
                break;
            case BackendSecret:
                var secretKey = cluster.Metadata?.GetValueOrDefault(BackendSecretKey);
                if (string.IsNullOrWhiteSpace(secretKey))
                {
                    yield return $"Cluster '{cluster.ClusterId}': backend-secret mode needs {BackendSecretKey}, the configuration key that holds the backend secret.";
                }
                else if (string.IsNullOrEmpty(configuration[secretKey]))
                {
                    yield return $"Cluster '{cluster.ClusterId}': the configuration key '{secretKey}' named by {BackendSecretKey} is empty.";
                }

                break;
            case Identity:
                if (edge.IdentitySigningKey is not { Length: >= 32 })
                {
                    yield return $"Cluster '{cluster.ClusterId}': identity mode needs Facade:Edge:IdentitySigningKey (at least 32 characters).";
                }

                break;
            case RenamedMode:
                yield return $"Cluster '{cluster.ClusterId}': {Key} '{RenamedMode}' was renamed to '{BackendSecret}' (and its metadata to {BackendSecretHeaderKey} / {BackendSecretKey}); \"api-key\" now means the users' and agents' API keys.";
                break;
            default:
                yield return $"Cluster '{cluster.ClusterId}': {Key} '{mode}' must be forward, backend-secret or identity.";
                break;
        }
    }
}
