using Facade.Common;
using Facade.Proxy.Discovery;
using Facade.Proxy.Hosting;
using Facade.Proxy.Keys;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// RFC 9728 protected resource metadata, at the root and path-suffixed for each protected prefix and each route's own
/// resource path (<see cref="ProtectedResources"/>).
/// </summary>
internal static class DiscoveryEndpoints
{
    public static WebApplication MapDiscovery(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet(BearerChallenge.ResourceMetadataPath, (PublicUrl url, KeyRing keys) => Metadata(url, keys, prefix: null));
        app.MapGet(BearerChallenge.ResourceMetadataPath + "/{**path}", (string path, PublicUrl url, KeyRing keys, ProtectedResources resources) =>
            resources.TryFind(path, out var resourcePath)
                ? Metadata(url, keys, resourcePath)
                : JsonErrors.Result(StatusCodes.Status404NotFound, "not_found", "No protected resource lives at that path."));
        return app;
    }

    private static IResult Metadata(PublicUrl url, KeyRing keys, string? prefix)
    {
        // A route's own resource path (api/mcp) has no entry of its own: it advertises every API scope.
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
            ["resource_signing_alg_values_supported"] = keys.Algorithms,
        };
        return Results.Json(document);
    }
}
