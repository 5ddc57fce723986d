using System.Globalization;
using Facade.Common;
using Facade.Common.Revocation;
using Facade.Proxy.Ledger;
using OpenIddict.Abstractions;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// <c>GET /oauth/revocations?after=&lt;cursor&gt;[&amp;limit=n]</c>: the access-token jtis revoked after the cursor, oldest
/// first, with their expiry, so resource servers that validate tokens locally (the MCP adapter) refuse a revoked token
/// within seconds. Only for resource servers (authenticated like introspection); expired tokens are left out.
/// </summary>
internal static class RevocationFeedEndpoint
{
    public const int MaxPageSize = 1000;

    public static IEndpointRouteBuilder MapRevocationFeed(this IEndpointRouteBuilder app)
    {
        app.MapGet("/oauth/revocations", GetAsync);
        return app;
    }

    public static async Task GetAsync(HttpContext http, TokenLedger ledger, ResourceServerAuthentication resourceServers, IOpenIddictApplicationManager applications, TimeProvider time)
    {
        var ct = http.RequestAborted;
        http.Response.Headers.CacheControl = "no-store";
        switch (await resourceServers.CheckAsync(http.Request, applications, ct))
        {
            case ResourceServerCheck.Unauthenticated:
                http.Response.Headers.WWWAuthenticate = "Basic realm=\"facade\"";
                await JsonErrors.WriteAsync(http, StatusCodes.Status401Unauthorized, "invalid_client",
                    "A resource server's client credentials are required (client_secret_basic).");
                return;
            case ResourceServerCheck.NotPermitted:
                await JsonErrors.WriteAsync(http, StatusCodes.Status403Forbidden, "unauthorized_client",
                    "This client is not a resource server (it may not introspect tokens).");
                return;
        }

        var query = http.Request.Query;
        var after = RevocationPosition.Start;
        if (query.ContainsKey("after") && !RevocationPosition.TryParseCursor(query["after"], out after))
        {
            await JsonErrors.WriteAsync(http, StatusCodes.Status400BadRequest, "invalid_request", "The cursor is not one this feed gave out.");
            return;
        }

        var limit = MaxPageSize;
        if (query.ContainsKey("limit")
            && (!int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxPageSize))
        {
            await JsonErrors.WriteAsync(http, StatusCodes.Status400BadRequest, "invalid_request", $"limit must be between 1 and {MaxPageSize}.");
            return;
        }

        // A cursor from another database (the ledger was reset or restored) would skip revocations: start over instead.
        if (!after.IsStart && !await ledger.IsKnownPositionAsync(after, ct))
        {
            after = RevocationPosition.Start;
        }

        var rows = await ledger.RevokedAfterAsync(after, limit, ct);
        var forgetBefore = time.GetUtcNow() - RevokedTokens.ExpiryGrace;
        var page = new RevocationFeedPage(
            [.. rows.Where(r => r.ExpiresAt > forgetBefore).Select(r => new RevokedJti(r.Jti, r.ExpiresAt.ToUnixTimeSeconds()))],
            (rows.Count > 0 ? rows[^1].Position : after).ToCursor(),
            HasMore: rows.Count == limit);
        await http.Response.WriteAsJsonAsync(page, RevocationFeedJsonContext.Default.RevocationFeedPage, "application/json", ct);
    }
}
