using Facade.Common;
using Facade.Common.Revocation;
using Facade.McpAdapter.Hosting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Facade.McpAdapter.Auth;

/// <summary>
/// The adapter is a resource server in its own right: it validates the forwarded JWT itself against the edge's
/// JWKS (signature, typ at+jwt, issuer, audience, lifetime) and refuses the jtis the edge's revocation feed reported
/// (a token without a jti could never be revoked, so it is refused too), so it stays safe even when reached around
/// the edge. A validated token is remembered for a short while (<see cref="AdapterTokenCache"/>) instead of being
/// signature-checked on every MCP call.
/// </summary>
internal sealed class AdapterAuthentication(IOptions<AdapterOptions> adapter, AdapterTokenCache cache, RevokedTokens revoked) : IConfigureNamedOptions<JwtBearerOptions>
{
    public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, JwtBearerOptions options)
    {
        if (name != JwtBearerDefaults.AuthenticationScheme)
        {
            return;
        }

        var settings = adapter.Value;
        var issuer = settings.Issuer!.AbsoluteUri;
        options.MetadataAddress = (settings.MetadataAddress ?? new Uri(settings.Issuer, ".well-known/openid-configuration")).AbsoluteUri;
        options.RequireHttpsMetadata = !settings.Issuer.IsLoopback && settings.Issuer.Scheme == Uri.UriSchemeHttps;
        options.MapInboundClaims = false;
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudience = issuer,
            ValidTypes = ["at+jwt"],
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
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
                if (context.SecurityToken is not JsonWebToken { Id: { Length: > 0 } jti })
                {
                    context.Fail("The access token has no jti.");
                }
                else if (revoked.IsRevoked(jti))
                {
                    context.Fail("The access token was revoked.");
                }
                else
                {
                    cache.Remember(context.SecurityToken, context.Principal);
                }

                return Task.CompletedTask;
            },
            OnChallenge = async context =>
            {
                context.HandleResponse();
                var tokenSent = context.AuthenticateFailure is not null;
                await BearerChallenge.WriteUnauthorizedAsync(context.HttpContext, settings.ResourceMetadataUrl, tokenSent);
            },
        };
    }
}
