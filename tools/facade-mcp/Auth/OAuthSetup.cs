using Facade.Mcp.Bridge.Cli;
using ModelContextProtocol.Authentication;

namespace Facade.Mcp.Bridge.Auth;

/// <summary>
/// The SDK's OAuth client, configured for a local bridge: dynamic registration with a loopback redirect, the browser
/// flow, and the persistent token cache (so the SDK refreshes tokens itself across restarts).
/// </summary>
internal static class OAuthSetup
{
    private const string OfflineAccess = "offline_access";

    public static ClientOAuthOptions Create(BridgeOptions options)
    {
        var store = new TokenStore(options.TokenCachePath);
        var key = TokenStore.KeyFor(options.Url);

        // The edge accepts a loopback redirect URI on any port (RFC 8252 §7.3), so any free port serves the cached client.
        var redirectUri = LoopbackCallback.RedirectUriFor(options.CallbackPort != 0 ? options.CallbackPort : LoopbackCallback.FreePort());
        var browser = new BrowserAuthorization(options.OpenBrowser, options.AuthorizationTimeout);
        Stderr.Debug($"token cache {store.Path}; sign-in redirect {redirectUri}.");

        return new ClientOAuthOptions
        {
            RedirectUri = redirectUri,
            DynamicClientRegistration = new DynamicClientRegistrationOptions { ClientName = $"facade-mcp on {Environment.MachineName}" },
            AuthorizationCallbackHandler = browser.AuthorizeAsync,
            TokenCache = new PersistentTokenCache(store, key, redirectUri),
            // --scope narrows the first sign-in only; a later step-up (403 insufficient_scope) asks for what the edge names.
            ScopeSelector = offered => options.Scopes.Count == 0 || browser.Authorizations > 0
                ? offered
                : options.Scopes.Concat(offered?.Contains(OfflineAccess) == true ? [OfflineAccess] : []).Distinct(StringComparer.Ordinal).ToList(),
        };
    }
}
