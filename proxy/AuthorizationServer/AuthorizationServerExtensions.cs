using Facade.Common;
using Facade.Proxy.AuthorizationServer;
using Facade.Proxy.Data;
using Facade.Proxy.Hosting;
using Facade.Proxy.Keys;
using Facade.Proxy.Ledger;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.EntityFrameworkCore.Models;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Microsoft.Extensions.Hosting;

internal static class AuthorizationServerExtensions
{
    /// <summary>OpenIddict as the OAuth 2.1 authorization server: code + PKCE S256, refresh rotation, JWT access tokens.</summary>
    public static IHostApplicationBuilder AddAuthorizationServer(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddOptions<TokenOptions>()
            .BindConfiguration(TokenOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.AddGrantStores();
        builder.Services.AddOpenIddict()
            .AddServer(server =>
            {
                server.SetAuthorizationEndpointUris("oauth/authorize")
                    .SetTokenEndpointUris("oauth/token")
                    .SetIntrospectionEndpointUris("oauth/introspect")
                    .SetRevocationEndpointUris("oauth/revoke")
                    .SetJsonWebKeySetEndpointUris("oauth/jwks")
                    .SetUserInfoEndpointUris("oauth/userinfo")
                    .SetConfigurationEndpointUris(".well-known/openid-configuration", ".well-known/oauth-authorization-server");

                server.AllowAuthorizationCodeFlow()
                    .AllowRefreshTokenFlow()
                    .RequireProofKeyForCodeExchange();

                server.RegisterScopes([.. ScopeCatalog.All]);

                // Access tokens are plain signed JWTs (at+jwt, RS256 or ES256 as the key decides: proxy/Keys/SigningAlgorithms.cs) that resource servers validate with the JWKS.
                server.DisableAccessTokenEncryption();

                // Everything only this server reads back (authorization codes, refresh tokens) is protected with the
                // ASP.NET Core Data Protection key ring: nodes sharing the key ring read each other's tokens. Access
                // tokens stay JWTs; identity tokens always are.
                server.UseDataProtection().PreferDefaultAccessTokenFormat();

                // OpenIddict refuses to start without an encryption credential, though with the two choices above no
                // token is ever encrypted with one: a throwaway in-memory key satisfies the check.
                server.AddEphemeralEncryptionKey(SecurityAlgorithms.Aes256KW);

                // RFC 8707 indicators name the edge or a path under it; ResourceIndicatorHandlers checks that instead
                // of a fixed list, and every client may ask for them.
                server.DisableResourceValidation();
                server.IgnoreResourcePermissions();

                // Introspection is for registered resource servers (the endpoint permission), whatever the token's
                // audience: tokens name the edge's URL, not the resource server's client id.
                server.RemoveEventHandler(OpenIddictServerHandlers.Introspection.ValidateAuthorizedParty.Descriptor);

                // Loopback redirect URIs match on any port (RFC 8252 §7.3); everything else exactly.
                server.RemoveEventHandler(OpenIddictServerHandlers.Authentication.ValidateClientRedirectUri.Descriptor);
                server.AddEventHandler(RedirectUriHandler.Descriptor);

                server.AddEventHandler(IntrospectionScopesHandler.Descriptor);
                server.AddEventHandler(DiscoveryMetadataHandler.Descriptor);
                server.AddEventHandler(ResourceIndicatorHandlers.ForAuthorization);
                server.AddEventHandler(ResourceIndicatorHandlers.ForToken);
                server.AddEventHandler(ResourceIndicatorHandlers.ForSignIn);
                server.AddEventHandler(OfflineAccessHandler.Descriptor);
                server.AddEventHandler(LedgerSignInHandler.Descriptor);
                server.AddEventHandler(SaveGrantHandler.Descriptor);
                server.RemoveEventHandler(OpenIddictServerHandlers.RedeemTokenEntry.Descriptor);
                server.AddEventHandler(RedeemOtherTokenEntries.Descriptor);
                server.AddEventHandler(RememberRefreshResponseHandler.Descriptor);
                server.AddEventHandler(FormPostContentSecurityHandler.Descriptor);

                server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableStatusCodePagesIntegration();
            });

        builder.Services.AddOptions<OpenIddictServerOptions>()
            .Configure<KeyRing, IOptions<TokenOptions>, IOptions<FacadeOptions>>((server, keys, tokens, facade) =>
            {
                foreach (var credentials in keys.SigningCredentials)
                {
                    server.SigningCredentials.Add(credentials);
                }

                server.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain);
                server.AccessTokenLifetime = tokens.Value.AccessTokenLifetime;
                server.RefreshTokenLifetime = tokens.Value.RefreshTokenLifetime;
                server.AuthorizationCodeLifetime = tokens.Value.AuthorizationCodeLifetime;
                server.RefreshTokenReuseLeeway = tokens.Value.RefreshTokenReuseLeeway == TimeSpan.Zero ? null : tokens.Value.RefreshTokenReuseLeeway;
                if (facade.Value.PublicUrl is { } publicUrl)
                {
                    server.Issuer = new Uri(publicUrl.AbsoluteUri.EndsWith('/') ? publicUrl.AbsoluteUri : publicUrl.AbsoluteUri + "/");
                }
            });

        builder.Services.AddOptions<OpenIddictServerAspNetCoreOptions>()
            .Configure<IOptions<FacadeOptions>, IHostEnvironment>((aspnet, facade, environment) =>
            {
                // OAuth 2.1 allows plain http only on loopback; Development and loopback public URLs run without TLS.
                aspnet.DisableTransportSecurityRequirement = environment.IsDevelopment()
                    || facade.Value.PublicUrl is { Scheme: "http", IsLoopback: true };
            });

        builder.Services.TryAddSingleton<ClaimsFactory>();
        builder.Services.TryAddSingleton<RefreshTokenRedemption>();
        builder.Services.TryAddSingleton<ConsentMarkers>();
        builder.Services.TryAddScoped<RememberedConsents>();
        builder.Services.TryAddScoped<PendingAuthorizations>();
        return builder;
    }

    /// <summary>
    /// OpenIddict's stores (applications, authorizations, tokens) and the token ledger, without the server: all the
    /// admin commands need to revoke a user's grants.
    /// </summary>
    public static IHostApplicationBuilder AddGrantStores(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddTokenLedger();
        builder.Services.AddOpenIddict().AddCore(core =>
        {
            core.UseEntityFrameworkCore().UseDbContext<FacadeDbContext>();
            core.ReplaceTokenManager<OpenIddictEntityFrameworkCoreToken, LedgerTokenManager>();
            core.ReplaceTokenStore<OpenIddictEntityFrameworkCoreToken, BatchedTokenEntryStore>();
        });
        return builder;
    }

    public static WebApplication MapAuthorizationServer(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapAuthorizationEndpoints();
        return app;
    }
}
