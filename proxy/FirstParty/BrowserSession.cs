using Facade.Proxy.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace Facade.Proxy.FirstParty;

/// <summary>
/// The signed-in browser session of the edge (the Identity cookie <c>/account/login</c> sets), checked as the authorize
/// endpoint checks it (proxy/AuthorizationServer/AuthorizationEndpoints.cs): the cookie must still carry the user's
/// current security stamp (a new password or a lock changes it; Identity's own check only runs every 30 minutes) and
/// the user must be allowed to sign in and not be locked out. A bearer token is not a session.
/// </summary>
internal sealed class BrowserSession(SignInManager<FacadeUser> signIn, UserManager<FacadeUser> users)
{
    /// <summary>The session's user, or null; on success <see cref="HttpContext.User"/> is the session's principal, which antiforgery tokens are bound to.</summary>
    public async Task<FacadeUser?> UserAsync(HttpContext http)
    {
        var cookie = await http.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        if (!cookie.Succeeded)
        {
            return null;
        }

        var user = await signIn.ValidateSecurityStampAsync(cookie.Principal);
        if (user is null || await users.IsLockedOutAsync(user) || !await signIn.CanSignInAsync(user))
        {
            return null;
        }

        http.User = cookie.Principal;
        return user;
    }
}
