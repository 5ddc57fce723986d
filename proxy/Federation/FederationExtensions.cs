using Facade.Proxy.Federation;
using Facade.Proxy.Keys;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Client;
using OpenIddict.Client.AspNetCore;

namespace Microsoft.Extensions.Hosting;

internal static class FederationExtensions
{
    /// <summary>OpenIddict's client signs users in at an upstream OIDC provider, then maps them to local users.</summary>
    public static IHostApplicationBuilder AddFederation(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddOptions<UpstreamOptions>()
            .BindConfiguration(UpstreamOptions.SectionName)
            .Validate(o => o.Authority is null || (o.Authority.IsAbsoluteUri && !string.IsNullOrWhiteSpace(o.ClientId)),
                "Facade:Upstream:Authority must be an absolute URL and Facade:Upstream:ClientId must be set with it.")
            .ValidateOnStart();

        builder.Services.AddOpenIddict().AddClient(client =>
        {
            client.AllowAuthorizationCodeFlow();
            client.SetRedirectionEndpointUris("account/callback/upstream");
            client.UseAspNetCore().EnableRedirectionEndpointPassthrough();
            client.UseSystemNetHttp();

            // State tokens (the round trip to the upstream provider) are protected with the Data Protection key ring,
            // so a callback may land on any node sharing it. OpenIddict still insists on an encryption credential,
            // which then encrypts nothing: a throwaway in-memory key.
            client.UseDataProtection();
            client.AddEphemeralEncryptionKey(SecurityAlgorithms.Aes256KW);
        });

        builder.Services.AddOptions<OpenIddictClientOptions>()
            .Configure<KeyRing, IOptions<UpstreamOptions>>((client, keys, upstream) =>
            {
                client.SigningCredentials.Add(keys.SigningCredentials[0]);
                if (!upstream.Value.IsConfigured)
                {
                    return;
                }

                var registration = new OpenIddictClientRegistration
                {
                    Issuer = upstream.Value.Authority,
                    ClientId = upstream.Value.ClientId,
                    ClientSecret = upstream.Value.ClientSecret,
                    ProviderName = UpstreamOptions.ProviderName,
                    ProviderDisplayName = upstream.Value.DisplayName,
                    RedirectUri = new Uri("account/callback/upstream", UriKind.Relative),
                };
                registration.Scopes.UnionWith(upstream.Value.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries));

                // The answer comes back as a top-level GET, so the correlation cookie can be SameSite=Lax (below).
                registration.ResponseModes.Add(OpenIddict.Abstractions.OpenIddictConstants.ResponseModes.Query);
                client.Registrations.Add(registration);
            });

        builder.Services.AddOptions<OpenIddictClientAspNetCoreOptions>()
            .Configure<IHostEnvironment, IOptions<UpstreamOptions>>((aspnet, environment, upstream) =>
            {
                aspnet.DisableTransportSecurityRequirement = environment.IsDevelopment()
                    || upstream.Value.Authority is { Scheme: "http", IsLoopback: true };

                // Lax + same-as-request instead of None + always-secure: survives plain-http loopback development,
                // and a query-mode callback is a top-level navigation that carries Lax cookies.
                aspnet.CookieBuilder.SameSite = SameSiteMode.Lax;
                aspnet.CookieBuilder.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            });
        return builder;
    }

    public static WebApplication MapFederation(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapFederationEndpoints();
        return app;
    }
}
