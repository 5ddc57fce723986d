using Facade.Proxy.Hosting;
using Facade.Proxy.Keys;
using Facade.Proxy.Ledger;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Facade.Proxy.Edge;

/// <summary>
/// The edge validates access tokens in-process against the authorization server's own keys (no JWKS round trip):
/// signature (RS256 only), <c>typ at+jwt</c>, issuer, audience = canonical resource, lifetime, and the ledger.
/// </summary>
internal sealed class EdgeAuthentication(KeyRing keys, PublicUrl publicUrl, TokenLedger ledger, IOptions<EdgeOptions> edge)
    : IConfigureNamedOptions<JwtBearerOptions>
{
    public const string Scheme = "EdgeBearer";
    public const string LedgerUnavailableItem = "facade.ledger-unavailable";

    public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, JwtBearerOptions options)
    {
        if (name != Scheme)
        {
            return;
        }

        options.MapInboundClaims = false;
        options.RequireHttpsMetadata = false;
        options.TokenValidationParameters = new TokenValidationParameters
        {
            IssuerSigningKeys = keys.SigningKeys,
            ValidIssuer = publicUrl.Issuer,
            ValidAudience = publicUrl.Issuer,
            ValidTypes = ["at+jwt"],
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = edge.Value.ClockSkew,
            NameClaimType = "name",
            RoleClaimType = "role",
        };
        options.Events = new JwtBearerEvents
        {
            OnMessageReceived = context =>
            {
                if (edge.Value.AllowQueryStringToken && context.Request.Query.TryGetValue("access_token", out var token))
                {
                    context.Token = token;
                }

                return Task.CompletedTask;
            },
            OnTokenValidated = async context =>
            {
                var jti = (context.SecurityToken as JsonWebToken)?.Id;
                try
                {
                    if (!await ledger.IsActiveAsync(jti, context.HttpContext.RequestAborted))
                    {
                        context.Fail("The token is not active in the ledger.");
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // Fail closed: a token we cannot check is never accepted (503, not 401: the client did nothing wrong).
                    context.HttpContext.Items[LedgerUnavailableItem] = true;
                    context.Fail("The token ledger is unavailable.");
                }
            },
        };
    }
}
