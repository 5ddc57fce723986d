using ModelContextProtocol.Authentication;

namespace Facade.Mcp.Bridge.Auth;

/// <summary>
/// The SDK's token cache for one MCP URL, kept in the <see cref="TokenStore"/> file, so access and refresh tokens
/// (and the dynamically registered client they belong to) survive restarts and the SDK refreshes them itself.
/// </summary>
/// <remarks>
/// The edge matches redirect URIs exactly, port included. A cached client registered with another loopback port than
/// this process listens on cannot complete a new authorization, so its registration (and the refresh token bound to
/// it) is hidden from the SDK, which then registers afresh; a still-valid access token keeps working meanwhile.
/// </remarks>
internal sealed class PersistentTokenCache(TokenStore store, string key, Uri redirectUri) : ITokenCache
{
    public ValueTask<TokenContainer?> GetTokensAsync(CancellationToken cancellationToken)
    {
        if (store.Get(key) is not { Tokens: { } cached } entry)
        {
            return ValueTask.FromResult<TokenContainer?>(null);
        }

        var tokens = cached.ToContainer();
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
        store.Put(key, new CachedServer { RedirectUri = redirectUri.AbsoluteUri, UpdatedAt = DateTimeOffset.UtcNow, Tokens = CachedTokens.From(tokens) });
        return ValueTask.CompletedTask;
    }

    public static bool RegisteredFor(CachedServer entry, Uri redirectUri) =>
        string.Equals(entry.RedirectUri, redirectUri.AbsoluteUri, StringComparison.Ordinal);
}
