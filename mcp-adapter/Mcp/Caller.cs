using System.Security.Claims;

namespace Facade.McpAdapter.Mcp;

/// <summary>Who is calling, as the validated access token says: subject, user name, scopes and the token itself.</summary>
internal sealed class Caller
{
    private Caller(ClaimsPrincipal user, string? bearerToken)
    {
        Subject = user.FindFirstValue("sub");
        UserName = user.FindFirstValue("preferred_username");
        Scopes = new HashSet<string>((user.FindFirstValue("scope") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
        BearerToken = bearerToken;
    }

    public string? Subject { get; }

    public string? UserName { get; }

    public IReadOnlySet<string> Scopes { get; }

    /// <summary>The caller's own access token, forwarded unchanged to backends.</summary>
    public string? BearerToken { get; }

    public bool HasAll(IEnumerable<string> scopes) => scopes.All(Scopes.Contains);

    /// <summary>The request's caller; inside a legacy SSE session, the session's newest token (<see cref="SseSession"/>).</summary>
    public static Caller From(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Items.TryGetValue(SseSession.ItemKey, out var item) && item is SseSession session)
        {
            var token = session.Current;
            return new Caller(token.Principal, token.BearerToken);
        }

        return new Caller(context.User, BearerTokenOf(context.Request));
    }

    public static string? BearerTokenOf(HttpRequest request) =>
        Facade.Common.Tokens.BearerToken.TryParse(request.Headers.Authorization.ToString(), out var token) && token.Length > 0 ? token.ToString() : null;
}
