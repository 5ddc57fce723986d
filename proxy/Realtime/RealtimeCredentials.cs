using Facade.Common;
using Facade.Common.Tokens;
using Facade.Proxy.ApiKeys;
using Facade.Proxy.Edge;
using Facade.Proxy.Hosting;
using Microsoft.Extensions.Primitives;

namespace Facade.Proxy.Realtime;

/// <summary>The outcome of authenticating a realtime request: the caller and the credential it presented.</summary>
internal sealed record RealtimeCaller(EdgeCaller Caller, string Credential, bool OfferedSubprotocol);

/// <summary>
/// Authenticates a realtime request (REALTIME-CONTRACT) before any upgrade, in this order: <c>Authorization: Bearer</c>
/// (JWT or user key), the browser form <c>Sec-WebSocket-Protocol: facade.realtime.v1, bearer.&lt;token&gt;</c>, then
/// <c>?access_token=</c> (only on these endpoints). Agent keys, and tokens minted from them, are refused: agents have no
/// realtime. A token that has expired is refused here even within the validator's clock skew, since the connection
/// would be closed (4401) at once. Failures are answered here: 401 (with the realtime resource metadata) or 503.
/// </summary>
internal sealed class RealtimeCredentials(EdgeTokenValidator validator, PublicUrl publicUrl, TimeProvider time)
{
    public const string Subprotocol = "facade.realtime.v1";
    private const string BearerProtocolPrefix = "bearer.";

    public async Task<RealtimeCaller?> AuthenticateAsync(HttpContext http)
    {
        var request = http.Request;
        var offered = OfferedSubprotocols(request);
        var credential = Read(request, offered, out var tokenSent);
        if (request.Headers.ContainsKey(ApiKeyHeaders.AgentKey))
        {
            await BearerChallenge.WriteUnauthorizedAsync(http, MetadataUrl, tokenSent: true, description: "Agent keys are not accepted on the realtime channel.");
            return null;
        }

        if (credential is null)
        {
            await BearerChallenge.WriteUnauthorizedAsync(http, MetadataUrl, tokenSent);
            return null;
        }

        var result = await validator.AuthenticateTokenAsync(credential.AsMemory(), http.RequestAborted);
        switch (result.Status)
        {
            case EdgeAuthStatus.Valid when result.Caller!.AgentId is null
                && (result.Caller.ExpiresAt is not { } expires || expires > time.GetUtcNow())
                && result.Caller.Principal.FindFirst("sub")?.Value is { Length: > 0 }:
                validator.RecordLastUse(result);
                return new RealtimeCaller(result.Caller, credential, offered.Contains(Subprotocol));

            case EdgeAuthStatus.LedgerUnavailable:
                http.Response.Headers.RetryAfter = "5";
                await JsonErrors.WriteAsync(http, StatusCodes.Status503ServiceUnavailable, "introspection_unavailable",
                    "The token cannot be checked right now; retry shortly.");
                return null;

            default:
                await BearerChallenge.WriteUnauthorizedAsync(http, MetadataUrl, tokenSent: true);
                return null;
        }
    }

    public string MetadataUrl => BearerChallenge.ResourceMetadataUrl(publicUrl.Issuer, "realtime");

    private static string? Read(HttpRequest request, List<string> offered, out bool tokenSent)
    {
        tokenSent = true;
        var authorization = request.Headers.Authorization;
        if (authorization.Count > 1)
        {
            return null;
        }

        if (authorization.Count == 1)
        {
            return BearerToken.TryParse(authorization[0], out var bearer) ? bearer.ToString() : null;
        }

        var fromProtocol = offered.Where(p => p.StartsWith(BearerProtocolPrefix, StringComparison.Ordinal)).ToList();
        if (fromProtocol.Count > 0)
        {
            return fromProtocol.Count == 1 ? fromProtocol[0][BearerProtocolPrefix.Length..] : null;
        }

        if (request.Query.TryGetValue("access_token", out var query))
        {
            return query.Count == 1 ? query[0] : null;
        }

        tokenSent = false;
        return null;
    }

    /// <summary>The subprotocols a WebSocket client offered (comma-separated, possibly over several headers).</summary>
    private static List<string> OfferedSubprotocols(HttpRequest request)
    {
        var values = request.Headers.SecWebSocketProtocol;
        return values.Count == 0
            ? []
            : [.. values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))];
    }
}
