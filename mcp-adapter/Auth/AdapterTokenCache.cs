using System.Security.Claims;
using Facade.Common.Revocation;
using Facade.Common.Tokens;
using Facade.McpAdapter.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Facade.McpAdapter.Auth;

/// <summary>
/// Validated bearer tokens by SHA-256, so the JwtBearer handler checks a token's signature once rather than on every
/// call. An entry lives until the token expires but at most <see cref="AdapterOptions.TokenCacheLifetime"/> (which
/// bounds how long a key withdrawn from the JWKS keeps a token alive here), and every hit is checked against the
/// revocation feed (<see cref="RevokedTokens"/>), so a token revoked at the edge stops working here within a poll.
/// The cached principal is shared by every call with the same token: handlers read its claims and must never add to them.
/// </summary>
internal sealed class AdapterTokenCache(IOptions<AdapterOptions> adapter, RevokedTokens revoked, TimeProvider time)
{
    private readonly ValidatedTokenCache<CachedToken> _cache = new(time);

    public bool TryGet(HttpRequest request, out ClaimsPrincipal principal)
    {
        principal = null!;
        var authorization = request.Headers.Authorization;
        if (authorization.Count != 1
            || !BearerToken.TryParse(authorization[0], out var token)
            || token.Length == 0
            || !_cache.TryGet(TokenHash.Of(token.Span), out var cached)
            || revoked.IsRevoked(cached.Jti))
        {
            return false;
        }

        principal = cached.Principal;
        return true;
    }

    /// <summary>Remembers a token that passed validation, including the revocation check (it has a jti).</summary>
    public void Remember(SecurityToken token, ClaimsPrincipal? principal)
    {
        var lifetime = adapter.Value.TokenCacheLifetime;
        if (principal is null || token is not JsonWebToken { Id: { Length: > 0 } jti } jwt || lifetime <= TimeSpan.Zero)
        {
            return;
        }

        var expires = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) + adapter.Value.ClockSkew;
        var bound = time.GetUtcNow() + lifetime;
        _cache.Add(TokenHash.Of(jwt.EncodedToken), new CachedToken(principal, jti), expires < bound ? expires : bound);
    }

    private sealed record CachedToken(ClaimsPrincipal Principal, string Jti);
}
