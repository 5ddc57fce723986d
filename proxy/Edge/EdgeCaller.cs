using System.Security.Claims;
using Facade.Common.Tokens;

namespace Facade.Proxy.Edge;

/// <summary>
/// A validated access token as the edge remembers it: the principal, its ledger id and its scopes, parsed once.
/// One instance serves every request that presents the token, so its principal is read-only by convention: nothing
/// in the proxy pipeline may add claims or identities to <c>HttpContext.User</c>.
/// </summary>
internal sealed class EdgeCaller
{
    private readonly string[] _scopes;

    public EdgeCaller(ClaimsPrincipal principal, string jti, TokenHash tokenHash, string? forwardToken = null)
    {
        Principal = principal;
        Jti = jti;
        TokenHash = tokenHash;
        ForwardToken = forwardToken;
        ForwardAuthorization = forwardToken is null ? null : "Bearer " + forwardToken;
        AgentId = principal.FindFirst(Facade.Common.Tokens.FacadeClaims.AgentId)?.Value;
        _scopes = (principal.FindFirst("scope")?.Value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    public ClaimsPrincipal Principal { get; }

    /// <summary>When the access token expires (for a key: the token minted from it).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The API key the token was minted from, if any: a connection outliving its token renews it from the key.</summary>
    public string? KeyId { get; init; }

    /// <summary>When that key expires (null: never, or no key).</summary>
    public DateTimeOffset? KeyExpiresAt { get; init; }

    public string Jti { get; }

    /// <summary>SHA-256 of the token (or API key): its key in the validated-token cache and its rate limit partition.</summary>
    public TokenHash TokenHash { get; }

    /// <summary>The access token minted from an API key, forwarded instead of the key; null for a bearer JWT (forwarded as sent).</summary>
    public string? ForwardToken { get; }

    /// <summary><c>Bearer</c> + <see cref="ForwardToken"/>, built once rather than on every forwarded request.</summary>
    public string? ForwardAuthorization { get; }

    /// <summary>The agent an agent key (or a token minted from one) is bound to: only that agent's routes accept it.</summary>
    public string? AgentId { get; }

    public bool HasAll(IReadOnlyList<string> required)
    {
        for (var i = 0; i < required.Count; i++)
        {
            if (Array.IndexOf(_scopes, required[i]) < 0)
            {
                return false;
            }
        }

        return true;
    }
}
