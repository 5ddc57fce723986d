using Facade.Mcp.Bridge.Cli;
using ModelContextProtocol.Authentication;

namespace Facade.Mcp.Bridge.Auth;

/// <summary>
/// The SDK's OAuth client, configured for a local bridge: which client it signs in as, a loopback redirect, the
/// browser (or headless) flow, and the persistent token cache (so the SDK refreshes tokens itself across restarts).
/// </summary>
/// <remarks>
/// The client, in order: <c>--client-id</c> (pre-registered, with its secret if any; the SDK authenticates as the
/// authorization server's metadata says, client_secret_basic or _post); <c>--client-metadata-url</c> (used when the
/// authorization server advertises metadata document support); the client cached with the tokens; the document the edge
/// serves for facade-mcp (<see cref="EdgeClientDocument"/>); else dynamic registration.
/// </remarks>
internal static class OAuthSetup
{
    private const string OfflineAccess = "offline_access";

    public static async Task<ClientOAuthOptions> CreateAsync(BridgeOptions options, HttpMessageHandler handler, CancellationToken cancellationToken)
    {
        var store = new TokenStore(options.TokenCachePath);
        var key = TokenStore.KeyFor(options.Url);

        // The edge accepts a loopback redirect URI on any port (RFC 8252 §7.3), so any free port serves the cached client.
        var redirectUri = LoopbackCallback.RedirectUriFor(options.CallbackPort != 0 ? options.CallbackPort : LoopbackCallback.FreePort());
        var browser = new BrowserAuthorization(options.OpenBrowser, options.Headless, options.AuthorizationTimeout);
        Stderr.Debug($"token cache {store.Path}; sign-in redirect {redirectUri}.");

        var oauth = new ClientOAuthOptions
        {
            RedirectUri = redirectUri,
            DynamicClientRegistration = new DynamicClientRegistrationOptions { ClientName = $"facade-mcp on {Environment.MachineName}" },
            AuthorizationCallbackHandler = browser.AuthorizeAsync,
            TokenCache = new PersistentTokenCache(store, key, redirectUri, options.ClientId, options.ClientSecret),
            // --scope narrows the first sign-in only; a later step-up (403 insufficient_scope) asks for what the edge names.
            ScopeSelector = offered => options.Scopes.Count == 0 || browser.Authorizations > 0
                ? offered
                : options.Scopes.Concat(offered?.Contains(OfflineAccess) == true ? [OfflineAccess] : []).Distinct(StringComparer.Ordinal).ToList(),
        };

        if (options.ClientId is { } clientId)
        {
            oauth.ClientId = clientId;
            oauth.ClientSecret = options.ClientSecret;
            Stderr.Debug($"signing in as the pre-registered client {clientId}{(options.ClientSecret is null ? "" : " (with its secret)")}.");
        }
        else if (options.ClientMetadataUrl is { } documentUrl)
        {
            oauth.ClientMetadataDocumentUri = documentUrl;
        }
        else if (store.Get(key) is { Tokens.ClientId: not null } cached && PersistentTokenCache.RegisteredFor(cached, redirectUri))
        {
            Stderr.Debug("signing in as the cached client.");
        }
        else if (await EdgeClientDocument.FindAsync(options.Url, handler, cancellationToken) is { } edgeDocument)
        {
            // Set as the client_id itself: the SDK would take an https document URL only, and the edge has just said it
            // takes this one (an http PublicUrl in development, too).
            oauth.ClientId = edgeDocument.AbsoluteUri;
        }

        return oauth;
    }
}
