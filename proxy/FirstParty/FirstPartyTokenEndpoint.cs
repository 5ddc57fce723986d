using System.Text.Json;
using Facade.Common;
using Facade.Proxy.ApiKeys;
using Facade.Proxy.AuthorizationServer;
using Facade.Proxy.Data;
using Facade.Proxy.Account;
using Facade.Proxy.FirstParty;
using Facade.Proxy.Ledger;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// <c>POST /oauth/first-party-token</c> (alias <c>POST /first-party-token</c>): a signed-in browser session of the edge
/// plus its antiforgery token (header <c>RequestVerificationToken</c> or form field <c>__RequestVerificationToken</c>)
/// → a short-lived access token shaped like an OAuth one, client <c>facade-console</c>, ledger label
/// <c>first-party</c>. Scopes: the optional <c>scope</c> (form or JSON), capped by what the user may hold; by default
/// every API scope the user may hold plus <c>keys:write</c> (the console manages the user's keys). Cross-site pages
/// cannot read the antiforgery token, so they cannot mint.
/// </summary>
internal static class FirstPartyTokenEndpoint
{
    public const string RateLimitPolicy = "first-party-token";
    public const string ClientId = "facade-console";
    public const int MaxRequestBytes = 4 * 1024;

    public static IEndpointRouteBuilder MapFirstPartyTokenEndpoint(this IEndpointRouteBuilder app)
    {
        // Antiforgery is validated in the handler, after the session is known (the token is bound to its user).
        app.MapPost("/oauth/first-party-token", MintAsync).RequireRateLimiting(RateLimitPolicy).DisableAntiforgery();
        app.MapPost("/first-party-token", MintAsync).RequireRateLimiting(RateLimitPolicy).DisableAntiforgery();
        return app;
    }

    public static async Task<IResult> MintAsync(
        HttpContext http, BrowserSession session, IAntiforgery antiforgery, AccessTokenMinter minter, IOptions<FirstPartyOptions> options, TimeProvider time)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
        if (await session.ReadAsync(http) is not { } signedIn)
        {
            return JsonErrors.Result(StatusCodes.Status401Unauthorized, "login_required",
                "Sign in on /account/login first: a first-party token needs the edge's browser session, not a bearer token.");
        }

        // The antiforgery token is checked against the session's user.
        http.User = signedIn.Principal;
        var user = signedIn.User;

        if (http.Request.ContentLength > MaxRequestBytes)
        {
            return TooLarge();
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxRequestBytes;
        }

        try
        {
            await antiforgery.ValidateRequestAsync(http);
        }
        catch (AntiforgeryValidationException)
        {
            return JsonErrors.Result(StatusCodes.Status400BadRequest, "invalid_request",
                "Send this session's antiforgery token (GET /account/antiforgery) in the RequestVerificationToken header or the __RequestVerificationToken form field.");
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }

        var (requested, failure) = await RequestedScopeAsync(http);
        if (failure is not null)
        {
            return failure;
        }

        var scopes = Grantable(user, requested);
        if (scopes.Length == 0)
        {
            return JsonErrors.Result(StatusCodes.Status400BadRequest, "invalid_scope", "You may hold none of the requested scopes.");
        }

        var minted = await minter.MintAsync(
            new AccessTokenRequest(user, string.Join(' ', scopes), ClientId, ApiToken.FirstPartyLabel, options.Value.TokenLifetime),
            http.RequestAborted);
        var expiresIn = (long)Math.Max(0, (minted.ExpiresAt - time.GetUtcNow()).TotalSeconds);
        return Results.Json(new FirstPartyTokenResponse(minted.Jwt, "Bearer", expiresIn, minted.Scope),
            FirstPartyJsonContext.Default.FirstPartyTokenResponse);
    }

    /// <summary>
    /// The scopes to mint: of those asked for (or, by default, every API scope) the ones the user may hold, plus
    /// <c>keys:write</c>, which a first-party token always may carry: <c>/account/keys</c> accepts the label anyway.
    /// </summary>
    private static string[] Grantable(FacadeUser user, IReadOnlyList<string>? requested) =>
        [.. (requested ?? ScopeCatalog.Api).Where(s => s == ScopeCatalog.KeysWrite || ScopeAllowance.Permits(user, s)).Distinct(StringComparer.Ordinal)];

    /// <summary>The <c>scope</c> parameter (form or JSON body), null when absent; unknown scope names are refused.</summary>
    private static async Task<(IReadOnlyList<string>? Scopes, IResult? Failure)> RequestedScopeAsync(HttpContext http)
    {
        string? scope = null;
        if (http.Request.HasFormContentType)
        {
            scope = (await http.Request.ReadFormAsync(http.RequestAborted))["scope"].ToString();
        }
        else if (http.Request.HasJsonContentType())
        {
            try
            {
                scope = (await JsonSerializer.DeserializeAsync(http.Request.Body, FirstPartyJsonContext.Default.FirstPartyTokenRequest, http.RequestAborted))?.Scope;
            }
            catch (JsonException)
            {
                return (null, JsonErrors.Result(StatusCodes.Status400BadRequest, "invalid_request", "The body is not a valid request {\"scope\": \"…\"}."));
            }
            catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return (null, TooLarge());
            }
        }
        else if (http.Request.ContentLength > 0 || http.Request.Headers.TransferEncoding.Count > 0)
        {
            return (null, JsonErrors.Result(StatusCodes.Status415UnsupportedMediaType, "invalid_request",
                "Send the scope as application/x-www-form-urlencoded or application/json, or send no body."));
        }

        if (string.IsNullOrWhiteSpace(scope))
        {
            return (null, null);
        }

        var scopes = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return scopes.FirstOrDefault(s => !ScopeCatalog.IsKnown(s)) is { } unknown
            ? (null, JsonErrors.Result(StatusCodes.Status400BadRequest, "invalid_scope", $"Unknown scope: {unknown}."))
            : (scopes, null);
    }

    private static IResult TooLarge() =>
        JsonErrors.Result(StatusCodes.Status413PayloadTooLarge, "invalid_request", $"The request must be at most {MaxRequestBytes} bytes.");
}
