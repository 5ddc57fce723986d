using System.Text;
using Facade.Proxy.Discovery;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Facade.Proxy.Edge;

/// <summary>
/// Applies the cluster's upstream token mode to every proxied request, and makes a backend's 401/403 challenge name the
/// edge's protected resource metadata for the path the client called.
/// </summary>
internal sealed class EdgeTransforms(IConfiguration configuration, IOptions<EdgeOptions> edge, TimeProvider time) : ITransformProvider
{
    private const string QueryToken = "access_token";

    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        var mode = UpstreamMode.Of(context.Cluster);

        // Agent keys never leave the edge, whatever the mode (EdgeMiddleware removes the header too).
        context.AddRequestHeaderRemove(ApiKeys.ApiKeyHeaders.AgentKey);
        if (edge.Value.AllowQueryStringToken)
        {
            // The token never travels on in the URL (where logs and backends would keep it).
            context.AddQueryRemoveKey(QueryToken);
            if (mode == UpstreamMode.Forward)
            {
                context.AddRequestTransform(ForwardQueryTokenAsBearer);
            }
        }

        context.AddResponseTransform(transform =>
        {
            var response = transform.HttpContext.Response;
            if (response.StatusCode is StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden
                && response.Headers.WWWAuthenticate is { Count: > 0 } challenges)
            {
                // Resolved here, not injected: ProtectedResources reads YARP's routes, and YARP builds this provider.
                var resources = transform.HttpContext.RequestServices.GetRequiredService<ProtectedResources>();
                response.Headers.WWWAuthenticate = new([.. challenges.Select(c => resources.RewriteChallenge(c ?? "", transform.HttpContext))]);
            }

            return ValueTask.CompletedTask;
        });

        switch (mode)
        {
            case UpstreamMode.BackendSecret:
                var header = context.Cluster!.Metadata!.GetValueOrDefault(UpstreamMode.BackendSecretHeaderKey) ?? "X-Api-Key";
                var secretKey = context.Cluster.Metadata![UpstreamMode.BackendSecretKey];
                context.AddRequestHeaderRemove("Authorization");

                // Replace, never add to, whatever the client sent in that header itself.
                context.AddRequestHeaderRemove(header);
                context.AddRequestTransform(transform =>
                {
                    // Read per request so a rotated secret in configuration applies without a restart.
                    transform.ProxyRequest.Headers.TryAddWithoutValidation(header, configuration[secretKey]);
                    return ValueTask.CompletedTask;
                });
                break;

            case UpstreamMode.Identity:
                context.AddRequestHeaderRemove("Authorization");
                IdentityRequestSigner.AddTo(context, Encoding.UTF8.GetBytes(edge.Value.IdentitySigningKey!), edge.Value.IdentityMaxBodyBytes, time);
                break;
        }
    }

    /// <summary>
    /// <c>forward</c> mode: the token the edge accepted from <c>?access_token=</c> goes on the standard way. Only when
    /// no Authorization header came: then the header's token is the one the edge validated (EdgeTokenValidator).
    /// </summary>
    private static ValueTask ForwardQueryTokenAsBearer(RequestTransformContext transform)
    {
        var request = transform.HttpContext.Request;
        if (request.Headers.Authorization.Count == 0 && request.Query.TryGetValue(QueryToken, out var token) && token.Count == 1 && !string.IsNullOrEmpty(token[0]))
        {
            transform.ProxyRequest.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token[0]);
        }

        return ValueTask.CompletedTask;
    }
}
