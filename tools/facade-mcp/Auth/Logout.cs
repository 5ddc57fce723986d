using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Facade.Mcp.Bridge.Cli;

namespace Facade.Mcp.Bridge.Auth;

/// <summary>
/// <c>--logout</c>: removes the cached tokens for the URL, then asks the authorization server to revoke them (RFC 7009,
/// best effort: the local copy is gone either way).
/// </summary>
internal static class Logout
{
    private static readonly TimeSpan RevocationTimeout = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(BridgeOptions options, CancellationToken cancellationToken)
    {
        var store = new TokenStore(options.TokenCachePath);
        var key = TokenStore.KeyFor(options.Url);
        if (store.Remove(key) is not { Tokens: { } tokens })
        {
            Stderr.Info($"no cached sign-in for {key} in {store.Path}.");
            return ExitCodes.Ok;
        }

        Stderr.Info($"removed the cached sign-in for {key} from {store.Path}.");

        // A pre-registered client's secret is never cached (PersistentTokenCache); revoking needs it from the options.
        if (tokens.ClientSecret is null && options.ClientId is not null && tokens.ClientId == options.ClientId)
        {
            tokens.ClientSecret = options.ClientSecret;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RevocationTimeout);
        try
        {
            var revoked = await RevokeAsync(tokens, timeout.Token);
            Stderr.Info(revoked ? "the edge revoked the tokens." : "the edge offers no revocation endpoint; the tokens stay valid until they expire.");
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or JsonException or InvalidOperationException)
        {
            Stderr.Info($"could not revoke the tokens at the edge ({exception.Message}); they stay valid until they expire.");
        }

        return ExitCodes.Ok;
    }

    private static async Task<bool> RevokeAsync(CachedTokens tokens, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(tokens.AuthorizationServer, UriKind.Absolute, out var issuer) || tokens.ClientId is null)
        {
            return false;
        }

        using var http = new HttpClient();
        var metadata = await http.GetFromJsonAsync<JsonElement>(EdgeClientDocument.AuthorizationServerMetadataUrl(issuer), cancellationToken);
        if (!metadata.TryGetProperty("revocation_endpoint", out var endpoint) || !Uri.TryCreate(endpoint.GetString(), UriKind.Absolute, out var revocation))
        {
            return false;
        }

        if (tokens.RefreshToken is { } refresh)
        {
            await RevokeOneAsync(http, revocation, tokens, refresh, "refresh_token", cancellationToken);
        }

        await RevokeOneAsync(http, revocation, tokens, tokens.AccessToken, "access_token", cancellationToken);
        return true;
    }

    private static async Task RevokeOneAsync(HttpClient http, Uri endpoint, CachedTokens tokens, string token, string hint, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string> { ["token"] = token, ["token_type_hint"] = hint };
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint);
        if (tokens.ClientSecret is { } secret && tokens.TokenEndpointAuthMethod == "client_secret_basic")
        {
            var credentials = $"{Uri.EscapeDataString(tokens.ClientId!)}:{Uri.EscapeDataString(secret)}";
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        }
        else
        {
            form["client_id"] = tokens.ClientId!;
            if (tokens.ClientSecret is { } postSecret)
            {
                form["client_secret"] = postSecret;
            }
        }

        request.Content = new FormUrlEncodedContent(form);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"revoking the {hint.Replace('_', ' ')} gave {(int)response.StatusCode}", null, response.StatusCode);
        }
    }
}
