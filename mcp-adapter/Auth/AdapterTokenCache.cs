using System.Security.Claims;
using Facade.Common.Tokens;
using Facade.McpAdapter.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Facade.McpAdapter.Auth;

/// <summary>
/// Validated bearer tokens by SHA-256, so the JwtBearer handler checks a token's signature once rather than on every
/// call. An entry lives until the token expires but at most <see cref="AdapterOptions.TokenCacheLifetime"/>: the
/// adapter has no revocation feed of its own (the edge in front of it checks the ledger on every request), and the
/// bound limits how long a key withdrawn from the JWKS keeps a token alive here. The cached principal is shared by
/// every call with the same token: handlers read its claims and must never add to them.
/// </summary>
internal sealed class AdapterTokenCache(IOptions<AdapterOptions> adapter, TimeProvider time)
{
    private readonly ValidatedTokenCache<ClaimsPrincipal> _cache = new(time);

    public bool TryGet(HttpRequest request, out ClaimsPrincipal principal)
    {
        principal = null!;
        var authorization = request.Headers.Authorization;
        return authorization.Count == 1
            && BearerToken.TryParse(authorization[0], out var token)
            && token.Length > 0
            && _cache.TryGet(TokenHash.Of(token.Span), out principal!);
    }

    public void Remember(SecurityToken token, ClaimsPrincipal? principal)
    {
        var lifetime = adapter.Value.TokenCacheLifetime;
        if (principal is null || token is not JsonWebToken jwt || lifetime <= TimeSpan.Zero)
        {
            return;
        }

        var expires = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) + adapter.Value.ClockSkew;
        var bound = time.GetUtcNow() + lifetime;
        _cache.Add(TokenHash.Of(jwt.EncodedToken), principal, expires < bound ? expires : bound);
    }
}
