using Facade.Common.Revocation;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Facade.Common.Auth;

/// <summary>
/// Configures the JwtBearer scheme of a service behind the edge: the edge's JWKS, issuer = audience = the edge's
/// public URL, <c>typ at+jwt</c>, RS256 or ES256 (the edge's key decides; the key itself comes from the JWKS, so no HMAC confusion), a lifetime and a subject required (RFC 9068), the validated-token cache,
/// and the 401 answer with the <c>resource_metadata</c> of the requested path (docs/architecture.md). A service that follows
/// the edge's revocation feed (<see cref="RevokedTokens"/> registered) also refuses revoked jtis, and tokens without a
/// jti, which could never be revoked.
/// </summary>
internal sealed class ResourceServerJwtBearerSetup(
    IOptions<ResourceServerOptions> resourceServer, ResourceServerTokenCache cache, RevokedTokens? revoked = null)
    : IConfigureNamedOptions<JwtBearerOptions>
{
    public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, JwtBearerOptions options)
    {
        if (name != JwtBearerDefaults.AuthenticationScheme)
        {
            return;
        }

        var settings = resourceServer.Value;
        var issuer = settings.Issuer ?? throw new InvalidOperationException("ResourceServerOptions.Issuer is not set: the service cannot validate tokens.");
        var metadata = settings.MetadataAddress ?? new Uri(issuer, ".well-known/openid-configuration");
        options.MetadataAddress = metadata.AbsoluteUri;
        options.RequireHttpsMetadata = metadata.Scheme == Uri.UriSchemeHttps;
        options.MapInboundClaims = false;
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = issuer.AbsoluteUri,
            ValidAudience = issuer.AbsoluteUri,
            ValidTypes = ["at+jwt"],
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ClockSkew = settings.ClockSkew,
            NameClaimType = "name",
        };
        options.Events = new JwtBearerEvents
        {
            OnMessageReceived = context =>
            {
                if (cache.TryGet(context.Request, out var principal))
                {
                    context.Principal = principal;
                    context.Success();
                }

                return Task.CompletedTask;
            },
            OnTokenValidated = context =>
            {
                // Everything behind the edge keys its data by the user: a token without a subject is not an access token here.
                if (string.IsNullOrEmpty(context.Principal?.FindFirst("sub")?.Value))
                {
                    context.Fail("The access token has no subject.");
                    return Task.CompletedTask;
                }

                if (revoked is not null && (context.SecurityToken is not JsonWebToken { Id: { Length: > 0 } jti } || revoked.IsRevoked(jti)))
                {
                    context.Fail("The access token was revoked or cannot be revoked (no jti).");
                    return Task.CompletedTask;
                }

                cache.Remember(context.SecurityToken, context.Principal);
                return Task.CompletedTask;
            },
            OnChallenge = async context =>
            {
                context.HandleResponse();
                var tokenSent = context.AuthenticateFailure is not null;
                await BearerChallenge.WriteUnauthorizedAsync(context.HttpContext, settings.ResourceMetadataUrl(context.Request.Path), tokenSent);
            },
        };
    }
}
