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

    public static Caller From(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var header = context.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
        return new Caller(context.User, token);
    }
}
