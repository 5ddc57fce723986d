using Facade.Common;
using Facade.Proxy.Account;
using Facade.Proxy.FirstParty;
using Microsoft.AspNetCore.Antiforgery;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// <c>GET /account/antiforgery</c>: the antiforgery request token of the signed-in session (and sets its cookie), for
/// a page of the edge that then calls <c>POST /oauth/first-party-token</c>. Same-origin only in effect: a cross-site
/// page can make the request but cannot read the answer (no CORS on the edge's own paths).
/// </summary>
internal static class AntiforgeryEndpoint
{
    public static IEndpointRouteBuilder MapAntiforgeryEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapGet("/account/antiforgery", IssueAsync).DisableAntiforgery();
        return app;
    }

    public static async Task<IResult> IssueAsync(HttpContext http, BrowserSession session, IAntiforgery antiforgery)
    {
        // Errors are no-store (JsonErrors); GetAndStoreTokens makes the answer "no-cache, no-store" itself.
        if (await session.ReadAsync(http) is not { } signedIn)
        {
            return JsonErrors.Result(StatusCodes.Status401Unauthorized, "login_required", "Sign in on /account/login first.");
        }

        // Antiforgery tokens are bound to the session's user.
        http.User = signedIn.Principal;

        var tokens = antiforgery.GetAndStoreTokens(http);
        return Results.Json(new AntiforgeryTokenResponse(tokens.RequestToken!, tokens.HeaderName!),
            FirstPartyJsonContext.Default.AntiforgeryTokenResponse);
    }
}
