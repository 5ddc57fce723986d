using Facade.Common.Auth;
using Facade.Common.Revocation;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Facade.DeviceEdge.Agents;

/// <summary>A runtime's validated access token: which jti to watch on the revocation feed, and when it expires.</summary>
internal sealed record AgentToken(string Jti, DateTimeOffset Expires);

/// <summary>
/// Validates an access token presented on the MQTT broker exactly as the REST API's JwtBearer scheme does (the same
/// <see cref="TokenValidationParameters"/>: issuer, audience, <c>at+jwt</c>, RS256 or ES256 with the edge's JWKS, lifetime; a
/// subject and a jti not on the revocation feed), then requires <c>agents:serve</c> and <c>agent_id</c> = the agent.
/// </summary>
internal sealed class AgentTokenValidator(IOptionsMonitor<JwtBearerOptions> bearer, RevokedTokens revoked)
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    /// <summary>The token, or why it is refused (a reason for the log, never the token). Null reason = server unavailable.</summary>
    public async Task<(AgentToken? Token, string? Refusal)> ValidateAsync(string token, string agentId, CancellationToken cancellationToken)
    {
        if (!revoked.IsCurrent)
        {
            return (null, null); // Fail closed: nobody knows which tokens were revoked.
        }

        var options = bearer.Get(JwtBearerDefaults.AuthenticationScheme);
        var parameters = options.TokenValidationParameters.Clone();
        if (options.ConfigurationManager is { } configuration)
        {
            try
            {
                var metadata = await configuration.GetConfigurationAsync(cancellationToken);
                parameters.IssuerSigningKeys = metadata.SigningKeys;
            }
            catch (Exception exception) when (exception is InvalidOperationException or IOException or HttpRequestException)
            {
                return (null, null);
            }
        }

        var result = await _handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return (null, "invalid token (" + (result.Exception?.GetType().Name ?? "unknown") + ")");
        }

        if (!jwt.TryGetPayloadValue<string>("sub", out var subject) || string.IsNullOrEmpty(subject))
        {
            return (null, "token without subject");
        }

        if (string.IsNullOrEmpty(jwt.Id) || revoked.IsRevoked(jwt.Id))
        {
            return (null, "token revoked or without jti");
        }

        var identity = new System.Security.Claims.ClaimsPrincipal(result.ClaimsIdentity);
        if (!ScopeRequirement.HasAll(identity, [AgentScopes.Serve]))
        {
            return (null, $"token without scope {AgentScopes.Serve}");
        }

        if (!jwt.TryGetPayloadValue<string>(AgentScopes.AgentIdClaim, out var bound) || !string.Equals(bound, agentId, StringComparison.Ordinal))
        {
            return (null, "token for another agent (agent_id)");
        }

        return (new AgentToken(jwt.Id, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero)), "");
    }
}
