using System.Security.Claims;
using Facade.Common.Tokens;
using Facade.Proxy.ApiKeys;
using Facade.Proxy.Hosting;
using Facade.Proxy.Keys;
using Facade.Proxy.Ledger;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Facade.Proxy.Edge;

internal enum EdgeAuthStatus
{
    Valid,
    Missing,
    Invalid,
    LedgerUnavailable,
}

internal readonly record struct EdgeAuthResult(EdgeAuthStatus Status, EdgeCaller? Caller = null);

/// <summary>
/// Authenticates proxied requests in-process against the authorization server's own keys (no JWKS round trip):
/// signature (RS256 or ES256, whichever the key named by <c>kid</c> signs with), <c>typ at+jwt</c>, issuer, audience = canonical resource, lifetime, and the ledger. A token is
/// signature-checked once and then remembered by its SHA-256 until it expires; every request, cached or not, asks
/// the ledger's in-memory state whether the token was revoked, so a revocation applies on the next request.
/// API keys come first (precedence: <c>X-Agent-API-Key</c> &gt; <c>Bearer</c> user key &gt; <c>Bearer</c> JWT; the highest
/// credential sent decides alone) and are turned into access tokens by <see cref="ApiKeyAuthenticator"/>.
/// </summary>
internal sealed class EdgeTokenValidator
{
    // Headers are capped by Kestrel (32 KB); our tokens are ~1 KB. Anything far larger is not ours.
    private const int MaxTokenLength = 16 * 1024;

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly ValidatedTokenCache<EdgeCaller> _cache;
    private readonly Dictionary<string, string> _algorithmByKeyId;
    private readonly TimeSpan _clockSkew;
    private readonly bool _allowQueryToken;
    private readonly TokenLedger _ledger;
    private readonly TimeProvider _time;
    private readonly ApiKeyAuthenticator _apiKeys;
    private readonly TokenLastUse _lastUse;

    // The issuer is known only once Kestrel has an address when Facade:PublicUrl is not configured.
    private readonly Lazy<TokenValidationParameters> _parameters;

    public EdgeTokenValidator(KeyRing keys, PublicUrl publicUrl, TokenLedger ledger, ApiKeyAuthenticator apiKeys, TokenLastUse lastUse, IOptions<EdgeOptions> edge, TimeProvider time)
    {
        _lastUse = lastUse;
        _ledger = ledger;
        _apiKeys = apiKeys;
        _time = time;
        _clockSkew = edge.Value.ClockSkew;
        _allowQueryToken = edge.Value.AllowQueryStringToken;
        _cache = new ValidatedTokenCache<EdgeCaller>(time, edge.Value.TokenCacheSize);
        _algorithmByKeyId = keys.SigningCredentials.Where(c => c.Key.KeyId is not null)
            .ToDictionary(c => c.Key.KeyId, c => c.Algorithm, StringComparer.Ordinal);
        _parameters = new(() => new TokenValidationParameters
        {
            IssuerSigningKeys = keys.SigningKeys,
            ValidIssuer = publicUrl.Issuer,
            ValidAudience = publicUrl.Issuer,
            ValidTypes = ["at+jwt"],
            ValidAlgorithms = keys.Algorithms,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = _clockSkew,
            NameClaimType = "name",
            RoleClaimType = "role",
        });
    }

    /// <summary>Number of remembered validations (for tests and diagnostics).</summary>
    public int CachedTokens => _cache.Count;

    /// <summary>Authenticates the request's credential; an accepted token's last use is recorded (<see cref="TokenLastUse"/>).</summary>
    public ValueTask<EdgeAuthResult> AuthenticateAsync(HttpContext context)
    {
        var result = AuthenticateCoreAsync(context);
        if (!result.IsCompletedSuccessfully)
        {
            return RecordLastUseAsync(result);
        }

        RecordLastUse(result.Result);
        return result;
    }

    private async ValueTask<EdgeAuthResult> RecordLastUseAsync(ValueTask<EdgeAuthResult> pending)
    {
        var result = await pending;
        RecordLastUse(result);
        return result;
    }

    /// <summary>Records an accepted token's use (the realtime endpoints authenticate through <see cref="AuthenticateTokenAsync"/>).</summary>
    public void RecordLastUse(EdgeAuthResult result)
    {
        if (result is { Status: EdgeAuthStatus.Valid, Caller: { } caller })
        {
            _lastUse.Touch(caller.Jti);
        }
    }

    private ValueTask<EdgeAuthResult> AuthenticateCoreAsync(HttpContext context)
    {
        if (context.Request.Headers.TryGetValue(ApiKeyHeaders.AgentKey, out var agentKey))
        {
            return agentKey.Count == 1 && agentKey[0] is { } single
                ? _apiKeys.AuthenticateAsync(single.AsSpan().Trim(), ApiKeyKind.Agent, context.RequestAborted)
                : new(new EdgeAuthResult(EdgeAuthStatus.Invalid));
        }

        return TryReadToken(context.Request, out var token)
            ? AuthenticateTokenAsync(token, context.RequestAborted)
            : new(new EdgeAuthResult(EdgeAuthStatus.Missing));
    }

    /// <summary>
    /// A bearer credential already taken from the request: a user key or a JWT (agent keys travel in their own header and
    /// are not accepted here). The realtime endpoints read it from their extra places (proxy/Realtime/RealtimeCredentials.cs).
    /// </summary>
    public ValueTask<EdgeAuthResult> AuthenticateTokenAsync(ReadOnlyMemory<char> token, CancellationToken cancellationToken)
    {
        if (token.Length is 0 or > MaxTokenLength)
        {
            return new(new EdgeAuthResult(EdgeAuthStatus.Invalid));
        }

        if (_apiKeys.IsUserKey(token.Span))
        {
            return _apiKeys.AuthenticateAsync(token.Span, ApiKeyKind.User, cancellationToken);
        }

        var hash = TokenHash.Of(token.Span);
        if (_cache.TryGet(hash, out var caller))
        {
            return CheckLedgerAsync(caller, cancellationToken);
        }

        return ValidateAsync(token.ToString(), hash, cancellationToken);
    }

    private async ValueTask<EdgeAuthResult> ValidateAsync(string token, TokenHash hash, CancellationToken cancellationToken)
    {
        if (!_handler.CanReadToken(token))
        {
            return new(EdgeAuthStatus.Invalid);
        }

        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token);
        }
        catch (Exception exception) when (exception is ArgumentException or SecurityTokenException or System.Text.Json.JsonException or FormatException)
        {
            // Whatever the parser makes of attacker-supplied bytes, a token it cannot read is simply not valid.
            return new(EdgeAuthStatus.Invalid);
        }

        if (!LooksLikeOurs(jwt))
        {
            return new(EdgeAuthStatus.Invalid);
        }

        var result = await _handler.ValidateTokenAsync(jwt, _parameters.Value);
        if (!result.IsValid || string.IsNullOrEmpty(jwt.Id))
        {
            return new(EdgeAuthStatus.Invalid);
        }

        var caller = new EdgeCaller(new ClaimsPrincipal(result.ClaimsIdentity), jwt.Id, hash) { ExpiresAt = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) };
        var checkedResult = await CheckLedgerAsync(caller, cancellationToken);
        if (checkedResult.Status is EdgeAuthStatus.Valid)
        {
            _cache.Add(hash, caller, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) + _clockSkew);
        }

        return checkedResult;
    }

    private async ValueTask<EdgeAuthResult> CheckLedgerAsync(EdgeCaller caller, CancellationToken cancellationToken)
    {
        try
        {
            return await _ledger.IsActiveAsync(caller.Jti, cancellationToken)
                ? new EdgeAuthResult(EdgeAuthStatus.Valid, caller)
                : new EdgeAuthResult(EdgeAuthStatus.Invalid);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Fail closed: a token we cannot check is never accepted (503, not 401: the client did nothing wrong).
            return new EdgeAuthResult(EdgeAuthStatus.LedgerUnavailable);
        }
    }

    /// <summary>
    /// The checks that need no cryptography, done first so junk, expired and foreign tokens never cost an RSA
    /// verification. The full validation below repeats them; this is only a cheaper way to say no.
    /// </summary>
    private bool LooksLikeOurs(JsonWebToken jwt) =>
        jwt.Typ == "at+jwt"
        && jwt.Kid is { } kid && _algorithmByKeyId.TryGetValue(kid, out var algorithm) && jwt.Alg == algorithm
        && jwt.Issuer == _parameters.Value.ValidIssuer
        && jwt.Audiences.Contains(_parameters.Value.ValidAudience, StringComparer.Ordinal)
        && new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) + _clockSkew > _time.GetUtcNow();

    /// <summary>True when the request's Authorization header holds a user key (to strip it where nothing authenticates).</summary>
    public bool CarriesUserKey(HttpRequest request) =>
        request.Headers.Authorization is { Count: > 0 } values
        && values.Any(v => BearerToken.TryParse(v, out var token) && _apiKeys.IsUserKey(token.Span));

    /// <summary>The bearer token, without copying it. Several Authorization headers count as a (bad) token sent.</summary>
    private bool TryReadToken(HttpRequest request, out ReadOnlyMemory<char> token)
    {
        var authorization = request.Headers.Authorization;
        token = default;
        if (authorization.Count == 1)
        {
            return BearerToken.TryParse(authorization[0], out token);
        }

        if (authorization.Count > 1)
        {
            return true;
        }

        if (_allowQueryToken && request.Query.TryGetValue("access_token", out var query))
        {
            token = query.Count == 1 ? query[0].AsMemory() : default;
            return true;
        }

        return false;
    }
}
