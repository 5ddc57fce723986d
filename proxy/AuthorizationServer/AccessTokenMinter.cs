using System.Security.Claims;
using Facade.Proxy.Data;
using Facade.Proxy.Hosting;
using Facade.Proxy.Ledger;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace Facade.Proxy.AuthorizationServer;

/// <summary>A token the edge minted itself: the JWT, its principal (the claims it carries) and its ledger id.</summary>
internal sealed record MintedToken(string Jwt, ClaimsPrincipal Principal, string Jti, string Scope, DateTimeOffset ExpiresAt);

/// <summary>
/// What to mint: for whom, with which scopes, as which client, the ledger label, how long it lives (never past
/// <paramref name="NotAfter"/>), and the key it came from and its agent, if any.
/// </summary>
internal sealed record AccessTokenRequest(
    FacadeUser Owner, string Scope, string ClientId, string Label, TimeSpan Lifetime,
    DateTimeOffset? NotAfter = null, string? KeyId = null, string? AgentId = null);

/// <summary>
/// Mints access tokens outside the OAuth flow (from an API key, for a signed-in console session) shaped exactly like
/// the authorization server's own (<c>typ at+jwt</c>, RS256 with the key OpenIddict signs with, <c>iss</c>, <c>aud</c> =
/// the canonical resource, <c>sub name preferred_username scope client_id jti iat exp</c> and no <c>nbf</c>, plus
/// <c>agent_id</c> for agent keys; only OpenIddict's private <c>oi_*</c> claims, which point at its own store, are absent), recorded in the ledger under their label, so the adapter and the device edge validate one kind of
/// token and follow its revocation through the feed.
/// </summary>
internal sealed class AccessTokenMinter(
    IOptionsMonitor<OpenIddictServerOptions> server,
    PublicUrl publicUrl,
    TokenLedger ledger,
    TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false, MapInboundClaims = false };

    public async Task<MintedToken> MintAsync(AccessTokenRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var owner = request.Owner;
        var now = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var expires = now + request.Lifetime;
        if (request.NotAfter is { } notAfter && notAfter < expires)
        {
            expires = notAfter;
        }

        var jti = Guid.NewGuid().ToString("N");
        var claims = new List<Claim>
        {
            new("sub", owner.Id),
            new("name", owner.DisplayName ?? owner.UserName ?? owner.Id),
            new("preferred_username", owner.UserName ?? owner.Id),
            new("scope", request.Scope),
            new("client_id", request.ClientId),
            new("jti", jti),
        };
        if (request.AgentId is { } agentId)
        {
            claims.Add(new Claim(Facade.Common.Tokens.FacadeClaims.AgentId, agentId));
        }

        var identity = new ClaimsIdentity(claims, request.Label, "name", "role");
        var jwt = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = publicUrl.Issuer,
            Audience = publicUrl.Issuer,
            TokenType = "at+jwt",
            Subject = identity,
            IssuedAt = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = SigningCredentials(),
        });

        await ledger.RecordAsync(new ApiToken
        {
            Jti = jti,
            Subject = owner.Id,
            ClientId = request.ClientId,
            Label = request.Label,
            Scopes = request.Scope,
            CreatedAt = now,
            ExpiresAt = expires,
            KeyId = request.KeyId,
        }, cancellationToken);
        return new MintedToken(jwt, new ClaimsPrincipal(identity), jti, request.Scope, expires);
    }

    /// <summary>The credentials OpenIddict signs its access tokens with (it sorts them: the first is the one in use).</summary>
    private SigningCredentials SigningCredentials() =>
        server.CurrentValue.SigningCredentials.FirstOrDefault(c => c.Key is AsymmetricSecurityKey)
            ?? throw new InvalidOperationException("The authorization server has no signing key.");
}
