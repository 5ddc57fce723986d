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
/// A token for one of the edge's own services, held by no user: <paramref name="Subject"/> is <c>service:…</c> (never a
/// user id), and it is recorded in the ledger under <see cref="ApiToken.ServiceLabel"/> like every other access token.
/// </summary>
internal sealed record ServiceTokenRequest(string Subject, string ClientId, string Scope, TimeSpan Lifetime);

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

    public Task<MintedToken> MintAsync(AccessTokenRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var owner = request.Owner;
        var claims = new List<Claim>
        {
            new("sub", owner.Id),
            new("name", owner.DisplayName ?? owner.UserName ?? owner.Id),
            new("preferred_username", owner.UserName ?? owner.Id),
        };
        if (request.AgentId is { } agentId)
        {
            claims.Add(new Claim(Facade.Common.Tokens.FacadeClaims.AgentId, agentId));
        }

        return MintAsync(claims, owner.Id, request.Scope, request.ClientId, request.Label, request.Lifetime, request.NotAfter, request.KeyId, cancellationToken);
    }

    /// <summary>A service token (<see cref="ServiceTokenRequest"/>): <c>sub</c> and <c>name</c> are the service's name.</summary>
    public Task<MintedToken> MintAsync(ServiceTokenRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Subject.StartsWith("service:", StringComparison.Ordinal))
        {
            throw new ArgumentException("A service token's subject starts with 'service:', so it can never be a user's id.", nameof(request));
        }

        List<Claim> claims = [new("sub", request.Subject), new("name", request.Subject)];
        return MintAsync(claims, request.Subject, request.Scope, request.ClientId, ApiToken.ServiceLabel, request.Lifetime, null, null, cancellationToken);
    }

    private async Task<MintedToken> MintAsync(List<Claim> claims, string subject, string scope, string clientId, string label, TimeSpan lifetime,
        DateTimeOffset? notAfter, string? keyId, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var expires = now + lifetime;
        if (notAfter is { } limit && limit < expires)
        {
            expires = limit;
        }

        var jti = Guid.NewGuid().ToString("N");
        claims.Add(new("scope", scope));
        claims.Add(new("client_id", clientId));
        claims.Add(new("jti", jti));
        var identity = new ClaimsIdentity(claims, label, "name", "role");
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
            Subject = subject,
            ClientId = clientId,
            Label = label,
            Scopes = scope,
            CreatedAt = now,
            ExpiresAt = expires,
            KeyId = keyId,
        }, cancellationToken);
        return new MintedToken(jwt, new ClaimsPrincipal(identity), jti, scope, expires);
    }

    /// <summary>The credentials OpenIddict signs its access tokens with (it sorts them: the first is the one in use).</summary>
    private SigningCredentials SigningCredentials() =>
        server.CurrentValue.SigningCredentials.FirstOrDefault(c => c.Key is AsymmetricSecurityKey)
            ?? throw new InvalidOperationException("The authorization server has no signing key.");
}
