using System.Security.Claims;
using Facade.Common.Tokens;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Facade.Common.Auth;

/// <summary>
/// Validated bearer tokens by SHA-256, so the JwtBearer handler checks a token's signature once rather than on every
/// request. An entry lives until the token expires (plus the clock skew) but at most
/// <see cref="ResourceServerOptions.TokenCacheLifetime"/>: a service behind the edge has no revocation feed of its own
/// (the edge checks the ledger on every request), and the bound limits how long a key withdrawn from the JWKS keeps a
/// token alive here. The cached principal is shared by every request with the same token: read its claims, never add.
/// </summary>
public sealed class ResourceServerTokenCache(IOptions<ResourceServerOptions> options, TimeProvider time)
{
    private readonly ValidatedTokenCache<ClaimsPrincipal> _cache = new(time, options.Value.TokenCacheCapacity);

    public bool TryGet(HttpRequest request, out ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(request);
        principal = null!;
        var authorization = request.Headers.Authorization;
        return authorization.Count == 1
            && BearerToken.TryParse(authorization[0], out var token)
            && token.Length > 0
            && _cache.TryGet(TokenHash.Of(token.Span), out principal!);
    }

    public void Remember(SecurityToken token, ClaimsPrincipal? principal)
    {
        var settings = options.Value;
        if (principal is null || token is not JsonWebToken jwt || settings.TokenCacheLifetime <= TimeSpan.Zero || settings.TokenCacheCapacity <= 0)
        {
            return;
        }

        var expires = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) + settings.ClockSkew;
        var bound = time.GetUtcNow() + settings.TokenCacheLifetime;
        _cache.Add(TokenHash.Of(jwt.EncodedToken), principal, expires < bound ? expires : bound);
    }
}
