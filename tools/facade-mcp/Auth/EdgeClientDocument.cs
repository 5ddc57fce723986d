using System.Net.Http.Json;
using System.Text.Json;
using Facade.Mcp.Bridge.Cli;

namespace Facade.Mcp.Bridge.Auth;

/// <summary>
/// Finds the client metadata document a Facade edge serves for this bridge (<c>{issuer}oauth/clients/facade-mcp</c>,
/// proxy/Registration/BridgeClientDocument.cs): the resource's protected resource metadata (RFC 9728) names the
/// authorization server, whose metadata (RFC 8414) must say <c>client_id_metadata_document_supported</c>; then the
/// document itself must be there and name its own URL as client_id. Anything else (another authorization server, metadata
/// documents off, the edge unreachable) yields null, and the SDK registers dynamically as before.
/// </summary>
internal static class EdgeClientDocument
{
    public const string Path = "oauth/clients/facade-mcp";

    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(15);

    public static async Task<Uri?> FindAsync(Uri mcpUrl, HttpMessageHandler handler, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Budget);
        using var http = new HttpClient(handler, disposeHandler: false);
        try
        {
            if (await DiscoverAsync(http, mcpUrl, timeout.Token) is not { } discovered)
            {
                Stderr.Debug("no authorization server metadata found for the resource; registering dynamically.");
                return null;
            }

            var (issuer, server) = discovered;
            if (!server.TryGetProperty("client_id_metadata_document_supported", out var supported) || supported.ValueKind != JsonValueKind.True)
            {
                Stderr.Debug($"{issuer} does not take client metadata documents; registering dynamically.");
                return null;
            }

            var documentUrl = new Uri(new Uri(issuer.AbsoluteUri.TrimEnd('/') + "/"), Path);
            var document = await GetJsonAsync(http, documentUrl, timeout.Token);
            if (document is not { } found || !found.TryGetProperty("client_id", out var id) || id.GetString() != documentUrl.AbsoluteUri)
            {
                Stderr.Debug($"{issuer} serves no client metadata document for facade-mcp; registering dynamically.");
                return null;
            }

            Stderr.Debug($"signing in as the edge's client metadata document {documentUrl}.");
            return documentUrl;
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or OperationCanceledException or NotSupportedException
            && !cancellationToken.IsCancellationRequested)
        {
            Stderr.Debug($"looking for the edge's client metadata document failed ({exception.GetType().Name}); registering dynamically.");
            return null;
        }
    }

    /// <summary>
    /// How a pre-registered client with a secret authenticates at the token endpoint: the first of client_secret_basic
    /// and client_secret_post the authorization server lists, else client_secret_basic (RFC 8414 §2's default).
    /// </summary>
    public static async Task<string> SecretAuthenticationMethodAsync(Uri mcpUrl, HttpMessageHandler handler, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Budget);
        using var http = new HttpClient(handler, disposeHandler: false);
        try
        {
            if (await DiscoverAsync(http, mcpUrl, timeout.Token) is { Metadata: var server }
                && server.TryGetProperty("token_endpoint_auth_methods_supported", out var methods) && methods.ValueKind == JsonValueKind.Array
                && methods.EnumerateArray().Select(m => m.GetString()).FirstOrDefault(m => m is ClientSecretHandler.Basic or ClientSecretHandler.Post) is { } method)
            {
                return method;
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or OperationCanceledException or NotSupportedException
            && !cancellationToken.IsCancellationRequested)
        {
            Stderr.Debug($"reading the authorization server's metadata failed ({exception.GetType().Name}); using client_secret_basic.");
        }

        return ClientSecretHandler.Basic;
    }

    /// <summary>The resource's authorization server (RFC 9728) and its metadata (RFC 8414), or null.</summary>
    private static async Task<(Uri Issuer, JsonElement Metadata)?> DiscoverAsync(HttpClient http, Uri mcpUrl, CancellationToken cancellationToken) =>
        await DiscoverResourceAsync(http, mcpUrl, cancellationToken) is { } found ? (found.Issuer, found.Metadata) : null;

    /// <summary>
    /// The resource identifier its protected resource metadata names (RFC 9728; the MCP URL when it names none), its
    /// first authorization server and that server's metadata (RFC 8414, then OpenID Connect discovery), or null.
    /// </summary>
    public static async Task<(Uri Resource, Uri Issuer, JsonElement Metadata)?> DiscoverResourceAsync(HttpClient http, Uri mcpUrl, CancellationToken cancellationToken)
    {
        if (await ResourceMetadataAsync(http, mcpUrl, cancellationToken) is not { } resource
            || !resource.TryGetProperty("authorization_servers", out var servers) || servers.ValueKind != JsonValueKind.Array
            || servers.GetArrayLength() == 0 || !Uri.TryCreate(servers[0].GetString(), UriKind.Absolute, out var issuer)
            || (await GetJsonAsync(http, AuthorizationServerMetadataUrl(issuer), cancellationToken)
                ?? await GetJsonAsync(http, new Uri(issuer.AbsoluteUri.TrimEnd('/') + "/.well-known/openid-configuration"), cancellationToken)) is not { } metadata)
        {
            return null;
        }

        var named = resource.TryGetProperty("resource", out var value) && value.ValueKind == JsonValueKind.String
            && Uri.TryCreate(value.GetString(), UriKind.Absolute, out var identifier) ? identifier : mcpUrl;
        return (named, issuer, metadata);
    }

    /// <summary>RFC 8414 §3.1: the well-known segment goes between the host and the issuer's path.</summary>
    public static Uri AuthorizationServerMetadataUrl(Uri issuer) =>
        new($"{issuer.GetLeftPart(UriPartial.Authority)}/.well-known/oauth-authorization-server{issuer.AbsolutePath.TrimEnd('/')}");

    /// <summary>RFC 9728 §3.1: path-inserted first, then the host's root document.</summary>
    private static async Task<JsonElement?> ResourceMetadataAsync(HttpClient http, Uri mcpUrl, CancellationToken cancellationToken)
    {
        var origin = mcpUrl.GetLeftPart(UriPartial.Authority);
        var path = mcpUrl.AbsolutePath.TrimEnd('/');
        return await GetJsonAsync(http, new Uri($"{origin}/.well-known/oauth-protected-resource{path}"), cancellationToken)
            ?? await GetJsonAsync(http, new Uri($"{origin}/.well-known/oauth-protected-resource"), cancellationToken);
    }

    private static async Task<JsonElement?> GetJsonAsync(HttpClient http, Uri url, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(url, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        var json = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return json.ValueKind == JsonValueKind.Object ? json : null;
    }
}
