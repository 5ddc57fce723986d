using System.Security.Claims;
using Facade.Common.Revocation;
using Facade.Common.Tokens;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Facade.Common.Auth;

/// <summary>
/// Validated bearer tokens by SHA-256, so the JwtBearer handler checks a token's signature once rather than on every
/// request. An entry lives until the token expires (plus the clock skew) but at most
/// <see cref="ResourceServerOptions.TokenCacheLifetime"/>, which bounds how long a key withdrawn from the JWKS keeps a
/// token alive here; when the service follows the edge's revocation feed (<see cref="RevokedTokens"/>), every hit is
/// checked against it, so a token revoked at the edge stops working here within a poll. The cached principal is shared
/// by every request with the same token: read its claims, never add.
/// </summary>
public sealed class ResourceServerTokenCache(IOptions<ResourceServerOptions> options, TimeProvider time, RevokedTokens? revoked = null)
{
    private readonly ValidatedTokenCache<CachedToken> _cache = new(time, options.Value.TokenCacheCapacity);

    public bool TryGet(HttpRequest request, out ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(request);
        principal = null!;
        var authorization = request.Headers.Authorization;
        if (authorization.Count != 1
            || !BearerToken.TryParse(authorization[0], out var token)
            || token.Length == 0
            || !_cache.TryGet(TokenHash.Of(token.Span), out var cached)
            || (revoked is not null && revoked.IsRevoked(cached.Jti)))
        {
            return false;
        }

        principal = cached.Principal;
        return true;
    }

    /// <summary>Remembers a token that passed validation (including the revocation check, when there is one).</summary>
    public void Remember(SecurityToken token, ClaimsPrincipal? principal)
    {
        var settings = options.Value;
        if (principal is null || token is not JsonWebToken jwt || settings.TokenCacheLifetime <= TimeSpan.Zero || settings.TokenCacheCapacity <= 0)
        {
            return;
        }

        var expires = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) + settings.ClockSkew;
        var bound = time.GetUtcNow() + settings.TokenCacheLifetime;
        _cache.Add(TokenHash.Of(jwt.EncodedToken), new CachedToken(principal, jwt.Id ?? ""), expires < bound ? expires : bound);
    }

    private sealed record CachedToken(ClaimsPrincipal Principal, string Jti);
}
