using System.Text.RegularExpressions;
using Facade.Common;
using Facade.Proxy.Edge;
using Facade.Proxy.Hosting;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace Facade.Proxy.Discovery;

/// <summary>
/// The protected resources (RFC 9728) behind the edge and which one a proxied request belongs to: the route's own
/// <c>Facade.ResourcePath</c> (e.g. MCP served at <c>/api/mcp</c>), else the protected prefix its first path segment
/// names (<c>Facade:Edge:ProtectedPrefixes</c>), else the edge itself. Every challenge for the request names that
/// resource's metadata, so a client finds a document whose <c>resource</c> is the URL it called (or the edge's root).
/// </summary>
internal sealed partial class ProtectedResources(PublicUrl publicUrl, IOptions<EdgeOptions> edge, IProxyStateLookup proxy)
{
    /// <summary>The resource path of a proxied request without slashes (<c>api/mcp</c>, <c>mcp</c>), or null for the root.</summary>
    public string? ResourcePathOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>()?.Config is { } route && RoutePolicy.For(route).ResourcePath is { } declared)
        {
            return declared.Length == 0 ? null : declared;
        }

        var first = ProxiedRequests.FirstSegment(context.Request.Path).ToString();
        return edge.Value.ProtectedPrefixes.FirstOrDefault(p => string.Equals(p, first, StringComparison.OrdinalIgnoreCase))?.ToLowerInvariant();
    }

    /// <summary>The metadata URL the request's 401 and 403 name.</summary>
    public string MetadataUrlOf(HttpContext context) => BearerChallenge.ResourceMetadataUrl(publicUrl.Issuer, ResourcePathOf(context));

    /// <summary>
    /// The resource path a path-suffixed metadata request describes (<c>/.well-known/oauth-protected-resource/api/mcp</c>
    /// → <c>api/mcp</c>): a protected prefix or a route's declared resource path; false for anything else.
    /// </summary>
    public bool TryFind(string suffix, out string resourcePath)
    {
        var wanted = suffix.Trim('/');
        var found = edge.Value.ProtectedPrefixes
            .Concat(proxy.GetRoutes().Select(r => RoutePolicy.For(r.Config).ResourcePath).OfType<string>())
            .FirstOrDefault(p => p.Length > 0 && string.Equals(p, wanted, StringComparison.OrdinalIgnoreCase));
        resourcePath = found?.ToLowerInvariant() ?? "";
        return found is not null;
    }

    /// <summary>
    /// Points the <c>resource_metadata</c> of a backend's challenge at the edge's document for the request: a backend
    /// knows neither the public URL nor the path the client called (and must not leak its own address).
    /// </summary>
    public string RewriteChallenge(string challenge, HttpContext context) =>
        ResourceMetadataParameter().Replace(challenge, $"resource_metadata=\"{MetadataUrlOf(context)}\"");

    [GeneratedRegex("""resource_metadata\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,]*)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ResourceMetadataParameter();
}
