using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Facade.Proxy.Discovery;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Facade.Proxy.Edge;

/// <summary>
/// Applies the cluster's upstream token mode to every proxied request, and makes a backend's 401/403 challenge name the
/// edge's protected resource metadata for the path the client called.
/// </summary>
internal sealed class EdgeTransforms(IConfiguration configuration, IOptions<EdgeOptions> edge, TimeProvider time) : ITransformProvider
{
    public const string SubjectHeader = "X-Facade-Subject";
    public const string ClientHeader = "X-Facade-Client";
    public const string ScopesHeader = "X-Facade-Scopes";
    public const string TimestampHeader = "X-Facade-Timestamp";
    public const string SignatureHeader = "X-Facade-Signature";

    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        if (edge.Value.AllowQueryStringToken)
        {
            context.AddQueryRemoveKey("access_token");
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

        switch (UpstreamMode.Of(context.Cluster))
        {
            case UpstreamMode.ApiKey:
                var header = context.Cluster!.Metadata!.GetValueOrDefault(UpstreamMode.ApiKeyHeaderKey) ?? "X-Api-Key";
                var secretKey = context.Cluster.Metadata![UpstreamMode.ApiKeySecretKey];
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
                context.AddRequestTransform(transform =>
                {
                    AddIdentityHeaders(transform);
                    return ValueTask.CompletedTask;
                });
                break;
        }
    }

    private void AddIdentityHeaders(RequestTransformContext transform)
    {
        var user = transform.HttpContext.User;
        var subject = user.FindFirstValue("sub") ?? "";
        var client = user.FindFirstValue("client_id") ?? "";
        var scopes = user.FindFirstValue("scope") ?? "";
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var request = transform.HttpContext.Request;
        var payload = string.Join('\n', timestamp, subject, client, scopes, request.Method, request.Path.Value + request.QueryString.Value);
        var key = Encoding.UTF8.GetBytes(edge.Value.IdentitySigningKey!);
        var signature = Base64UrlEncoder.Encode(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(payload)));

        var headers = transform.ProxyRequest.Headers;
        headers.TryAddWithoutValidation(SubjectHeader, subject);
        headers.TryAddWithoutValidation(ClientHeader, client);
        headers.TryAddWithoutValidation(ScopesHeader, scopes);
        headers.TryAddWithoutValidation(TimestampHeader, timestamp);
        headers.TryAddWithoutValidation(SignatureHeader, signature);
    }
}
