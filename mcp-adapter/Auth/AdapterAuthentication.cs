using Facade.Common;
using Facade.McpAdapter.Hosting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Facade.McpAdapter.Auth;

/// <summary>
/// The adapter is a resource server in its own right: it validates the forwarded JWT itself against the edge's
/// JWKS (signature, typ at+jwt, issuer, audience, lifetime), so it stays safe even when reached around the edge.
/// </summary>
internal sealed class AdapterAuthentication(IOptions<AdapterOptions> adapter) : IConfigureNamedOptions<JwtBearerOptions>
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
            OnChallenge = async context =>
            {
                context.HandleResponse();
                var tokenSent = context.AuthenticateFailure is not null;
                await BearerChallenge.WriteUnauthorizedAsync(context.HttpContext, settings.ResourceMetadataUrl, tokenSent);
            },
        };
    }
}
