using ModelContextProtocol.Authentication;

namespace Facade.Mcp.Bridge.Auth;

/// <summary>
/// The SDK's token cache for one MCP URL, kept in the <see cref="TokenStore"/> file, so access and refresh tokens
/// (and the dynamically registered client they belong to) survive restarts and the SDK refreshes them itself.
/// </summary>
/// <remarks>
/// The edge matches loopback redirect URIs on any port (RFC 8252 §7.3), so a client registered while this bridge
/// listened on another port serves a new sign-in as it is. A cached client registered with any other redirect URI
/// could not complete one: its registration (and the refresh token bound to it) is hidden from the SDK, which then
/// registers afresh; a still-valid access token keeps working meanwhile. The secret of a pre-registered client
/// (<paramref name="configuredClientId"/>) is never written to the file: it comes from the options on every start.
/// </remarks>
internal sealed class PersistentTokenCache(TokenStore store, string key, Uri redirectUri, string? configuredClientId = null, string? configuredSecret = null) : ITokenCache
{
    public ValueTask<TokenContainer?> GetTokensAsync(CancellationToken cancellationToken)
    {
        if (store.Get(key) is not { Tokens: { } cached } entry)
        {
            return ValueTask.FromResult<TokenContainer?>(null);
        }

        var tokens = cached.ToContainer();
        if (configuredClientId is not null && tokens.ClientId == configuredClientId)
        {
            tokens.ClientSecret = configuredSecret;
        }

        if (!RegisteredFor(entry, redirectUri))
        {
            tokens.ClientId = null;
            tokens.ClientSecret = null;
            tokens.TokenEndpointAuthMethod = null;
            tokens.RefreshToken = null;
        }

        return ValueTask.FromResult<TokenContainer?>(tokens);
    }

    public ValueTask StoreTokensAsync(TokenContainer tokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var cached = CachedTokens.From(tokens);
        if (configuredClientId is not null && cached.ClientId == configuredClientId)
        {
            cached.ClientSecret = null;
        }

        store.Put(key, new CachedServer { RedirectUri = redirectUri.AbsoluteUri, UpdatedAt = DateTimeOffset.UtcNow, Tokens = cached });
        return ValueTask.CompletedTask;
    }

    /// <summary>Whether the cached client's redirect URI is this one, or differs from it in the loopback port only.</summary>
    public static bool RegisteredFor(CachedServer entry, Uri redirectUri)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(redirectUri);
        return Uri.TryCreate(entry.RedirectUri, UriKind.Absolute, out var registered)
            && registered.Scheme == Uri.UriSchemeHttp && redirectUri.Scheme == Uri.UriSchemeHttp
            && registered.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 && registered.IsLoopback
            && string.Equals(registered.Host, redirectUri.Host, StringComparison.Ordinal)
            && registered.UserInfo.Length == 0 && redirectUri.UserInfo.Length == 0
            && string.Equals(registered.PathAndQuery, redirectUri.PathAndQuery, StringComparison.Ordinal)
            && registered.Fragment.Length == 0 && redirectUri.Fragment.Length == 0;
    }
}
