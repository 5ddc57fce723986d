using System.Security.Claims;
using Facade.Proxy.Data;
using Facade.Proxy.Hosting;
using Facade.Proxy.Ledger;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace Facade.Proxy.ApiKeys;

/// <summary>A token minted from a key: the JWT, its principal (the claims it carries) and its ledger id.</summary>
internal sealed record MintedToken(string Jwt, ClaimsPrincipal Principal, string Jti, string Scope, DateTimeOffset ExpiresAt);

/// <summary>
/// Turns a valid key into an access token shaped exactly like the authorization server's own (<c>typ at+jwt</c>, RS256
/// with the key OpenIddict signs with, <c>iss</c>, <c>aud</c> = the canonical resource, <c>sub name preferred_username
/// scope client_id jti iat exp</c>, plus <c>agent_id</c> for agent keys), recorded in the ledger with label
/// <c>api-key</c> and the key's id, so the adapter and the device edge validate one kind of token and follow its
/// revocation through the feed.
/// </summary>
internal sealed class ApiKeyTokenMinter(
    IOptionsMonitor<OpenIddictServerOptions> server,
    PublicUrl publicUrl,
    TokenLedger ledger,
    IOptions<ApiKeyOptions> options,
    TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false, MapInboundClaims = false };

    public async Task<MintedToken> MintAsync(ApiKey key, FacadeUser owner, string scope, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var expires = now + options.Value.TokenLifetime;
        if (key.ExpiresAt is { } keyExpires && keyExpires < expires)
        {
            // A token never outlives the key it came from.
            expires = keyExpires;
        }

        var jti = Guid.NewGuid().ToString("N");
        var claims = new List<Claim>
        {
            new("sub", owner.Id),
            new("name", owner.DisplayName ?? owner.UserName ?? owner.Id),
            new("preferred_username", owner.UserName ?? owner.Id),
            new("scope", scope),
            new("client_id", key.Id),
            new("jti", jti),
        };
        if (key.AgentId is { } agentId)
        {
            claims.Add(new Claim(Facade.Common.Tokens.FacadeClaims.AgentId, agentId));
        }

        var identity = new ClaimsIdentity(claims, "api-key", "name", "role");
        var jwt = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = publicUrl.Issuer,
            Audience = publicUrl.Issuer,
            TokenType = "at+jwt",
            Subject = identity,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = SigningCredentials(),
        });

        await ledger.RecordAsync(new ApiToken
        {
            Jti = jti,
            Subject = owner.Id,
            ClientId = key.Id,
            Label = ApiToken.ApiKeyLabel,
            Scopes = scope,
            CreatedAt = now,
            ExpiresAt = expires,
            KeyId = key.Id,
        }, cancellationToken);
        return new MintedToken(jwt, new ClaimsPrincipal(identity), jti, scope, expires);
    }

    /// <summary>The credentials OpenIddict signs its access tokens with (it sorts them: the first is the one in use).</summary>
    private SigningCredentials SigningCredentials() =>
        server.CurrentValue.SigningCredentials.FirstOrDefault(c => c.Key is AsymmetricSecurityKey)
            ?? throw new InvalidOperationException("The authorization server has no signing key.");
}
