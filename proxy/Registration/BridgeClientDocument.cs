using System.Text.Json.Nodes;
using Facade.Proxy.Hosting;
using Microsoft.Extensions.Options;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Facade.Proxy.Registration;

/// <summary>
/// The client metadata document the edge serves for its own stdio bridge (<c>tools/facade-mcp</c>) at
/// <c>{PublicUrl}oauth/clients/facade-mcp</c>: a public native client (PKCE, no secret) whose loopback redirect
/// matches on any port (AuthorizationServer/RedirectUriMatching.cs). <see cref="ClientMetadataDocuments"/> resolves
/// this exact URL locally instead of fetching it, so it works with an http PublicUrl in development as with https in
/// production; any other URL, however alike, goes through the normal fetch and its checks.
/// </summary>
public static class BridgeClientDocument
{
    public const string Path = "oauth/clients/facade-mcp";

    public static readonly string[] RedirectUris = ["http://127.0.0.1/callback", "http://[::1]/callback"];

    public static string UrlFor(PublicUrl publicUrl)
    {
        ArgumentNullException.ThrowIfNull(publicUrl);
        return publicUrl.Resolve(Path);
    }

    public static JsonObject Document(string clientId) => new()
    {
        ["client_id"] = clientId,
        ["client_name"] = "facade-mcp",
        ["software_id"] = "facade-mcp",
        ["redirect_uris"] = new JsonArray([.. RedirectUris.Select(uri => JsonValue.Create(uri))]),
        ["token_endpoint_auth_method"] = "none",
        ["grant_types"] = new JsonArray(GrantTypes.AuthorizationCode, GrantTypes.RefreshToken),
        ["response_types"] = new JsonArray(ResponseTypes.Code),
    };

    /// <summary>GET <c>/oauth/clients/facade-mcp</c>, while metadata documents are enabled.</summary>
    public static IEndpointRouteBuilder MapBridgeClientDocument(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/" + Path, (PublicUrl publicUrl, IOptions<RegistrationOptions> options, HttpContext http) =>
        {
            if (!options.Value.MetadataDocumentsEnabled)
            {
                return Results.NotFound();
            }

            http.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Json(Document(UrlFor(publicUrl)));
        });
        return endpoints;
    }
}
