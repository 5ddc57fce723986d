using Facade.Common;
using Facade.Proxy.Edge;
using Facade.Proxy.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>RFC 9728 protected resource metadata, at the root and path-suffixed for each protected prefix.</summary>
internal static class DiscoveryEndpoints
{
    public static WebApplication MapDiscovery(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet(BearerChallenge.ResourceMetadataPath, (PublicUrl url) => Metadata(url, prefix: null));
        app.MapGet(BearerChallenge.ResourceMetadataPath + "/{**prefix}", (string prefix, PublicUrl url, IOptions<EdgeOptions> edge) =>
            edge.Value.ProtectedPrefixes.Contains(prefix.Trim('/'), StringComparer.OrdinalIgnoreCase)
                ? Metadata(url, prefix.Trim('/').ToLowerInvariant())
                : JsonErrors.Result(StatusCodes.Status404NotFound, "not_found", "No protected resource lives at that path."));
        return app;
    }

    private static IResult Metadata(PublicUrl url, string? prefix)
    {
        var scopes = prefix is not null && ScopeCatalog.ByPrefix.TryGetValue(prefix, out var forPrefix)
            ? forPrefix
            : ScopeCatalog.Api;
        var document = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            // RFC 9728 §3.3: the resource must equal the URL the metadata URL was derived from.
            ["resource"] = prefix is null ? url.Issuer : url.Resolve(prefix),
            ["authorization_servers"] = new[] { url.Issuer },
            ["scopes_supported"] = scopes.Append(ScopeCatalog.OfflineAccess).Distinct().ToArray(),
            ["bearer_methods_supported"] = new[] { "header" },
            ["resource_name"] = prefix is null ? "Facade" : $"Facade /{prefix}",
            ["resource_signing_alg_values_supported"] = new[] { "RS256" },
        };
        return Results.Json(document);
    }
}
