using Facade.Common;
using Facade.Common.Tokens;
using Facade.Proxy.ApiKeys;
using Facade.Proxy.Edge;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// <c>POST /oauth/key-token</c>: a key (<c>X-Agent-API-Key</c> or <c>Authorization: Bearer &lt;user key&gt;</c>) → the
/// access token the edge mints from it, for processes that do not go through the proxy (the device edge's MQTT
/// authentication of agent runtimes, scripts). Anything else, a JWT included, is 401 <c>invalid_token</c>.
/// </summary>
internal static class KeyTokenEndpoint
{
    public const string RateLimitPolicy = "key-token";

    public static IEndpointRouteBuilder MapKeyTokenEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapPost("/oauth/key-token", ExchangeAsync).RequireRateLimiting(RateLimitPolicy).DisableAntiforgery();
        return app;
    }

    public static async Task<IResult> ExchangeAsync(HttpContext http, ApiKeyAuthenticator keys, TimeProvider time)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
        var headers = http.Request.Headers;
        var result = new EdgeAuthResult(EdgeAuthStatus.Missing);
        if (headers.TryGetValue(ApiKeyHeaders.AgentKey, out var agentKey))
        {
            result = agentKey.Count == 1 && agentKey[0] is { } single
                ? await keys.AuthenticateAsync(single.AsSpan().Trim(), ApiKeyKind.Agent, http.RequestAborted)
                : new EdgeAuthResult(EdgeAuthStatus.Invalid);
        }
        else if (headers.Authorization.Count == 1 && BearerToken.TryParse(headers.Authorization[0], out var bearer) && keys.IsUserKey(bearer.Span))
        {
            result = await keys.AuthenticateAsync(bearer.Span, ApiKeyKind.User, http.RequestAborted);
        }

        if (result.Status is EdgeAuthStatus.LedgerUnavailable)
        {
            http.Response.Headers.RetryAfter = "5";
            return JsonErrors.Result(StatusCodes.Status503ServiceUnavailable, "temporarily_unavailable", "The key cannot be checked right now; retry shortly.");
        }

        if (result is not { Status: EdgeAuthStatus.Valid, Caller.ForwardToken: { } minted })
        {
            http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return JsonErrors.Result(StatusCodes.Status401Unauthorized, "invalid_token",
                "Send a valid API key: X-Agent-API-Key for an agent key, Authorization: Bearer for a user key.");
        }

        var expiresIn = (long)Math.Max(0, (new DateTimeOffset(new JsonWebToken(minted).ValidTo, TimeSpan.Zero) - time.GetUtcNow()).TotalSeconds);
        return Results.Json(
            new KeyTokenResponse(minted, "Bearer", expiresIn, result.Caller.Principal.FindFirst("scope")?.Value ?? "", result.Caller.AgentId),
            KeyTokenJsonContext.Default.KeyTokenResponse);
    }
}
