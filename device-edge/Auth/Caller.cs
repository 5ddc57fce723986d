using System.Security.Claims;

namespace Facade.DeviceEdge.Auth;

/// <summary>Who is calling, from the validated access token: the user (<c>sub</c>) and the client (<c>client_id</c>).</summary>
internal sealed record Caller(string UserId, string? ClientId)
{
    /// <summary>The caller of an authenticated request (the token handler refuses tokens without <c>sub</c>).</summary>
    public static Caller From(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var subject = user.FindFirstValue("sub");
        if (string.IsNullOrEmpty(subject))
        {
            throw new InvalidOperationException("The request is not authenticated with a subject; the endpoint must require scopes.");
        }

        return new Caller(subject, user.FindFirstValue("client_id"));
    }
}
