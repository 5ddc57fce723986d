using System.Security.Claims;
using Facade.Proxy.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace Facade.Proxy.Account;

/// <summary>A signed-in browser session: its user, and the cookie's principal (auth_time, antiforgery binding).</summary>
internal sealed record SignedInSession(FacadeUser User, ClaimsPrincipal Principal);

/// <summary>
/// The signed-in browser session of the edge (the Identity cookie <c>/account/login</c> sets), as the authorize
/// endpoint and the first-party token endpoints accept it: the cookie must still carry the user's current security
/// stamp (a new password or a lock changes it; Identity's own check only runs every 30 minutes) and the user must be
/// allowed to sign in and not be locked out. A bearer token is not a session.
/// </summary>
internal sealed class BrowserSession(SignInManager<FacadeUser> signIn, UserManager<FacadeUser> users)
{
    public async Task<SignedInSession?> ReadAsync(HttpContext http)
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

        return new SignedInSession(user, cookie.Principal);
    }
}
