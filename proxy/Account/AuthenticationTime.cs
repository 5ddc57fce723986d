using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Facade.Proxy.Account;

/// <summary>
/// When the user signed in (OIDC <c>auth_time</c>), kept as a claim in the session cookie: stamped when the cookie is
/// first issued (password or upstream sign-in), carried through sliding renewals (same ticket) and security-stamp
/// refreshes (a rebuilt principal). <c>max_age</c> counts from it; the cookie's own issue time moves with renewals.
/// </summary>
internal static class AuthenticationTime
{
    /// <summary>Cookie <c>OnSigningIn</c>: a new session starts now, unless the principal already says when it began.</summary>
    public static Task StampAsync(CookieSigningInContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Principal?.Identity is ClaimsIdentity identity && !identity.HasClaim(c => c.Type == Claims.AuthenticationTime))
        {
            var now = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
            identity.AddClaim(Claim(now));
        }

        return Task.CompletedTask;
    }

    /// <summary>Security-stamp refresh: the rebuilt principal keeps the session's sign-in instant.</summary>
    public static Task KeepAsync(SecurityStampRefreshingPrincipalContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Of(context.CurrentPrincipal) is { } signedIn && context.NewPrincipal?.Identity is ClaimsIdentity identity
            && !identity.HasClaim(c => c.Type == Claims.AuthenticationTime))
        {
            identity.AddClaim(Claim(signedIn));
        }

        return Task.CompletedTask;
    }

    /// <summary>The sign-in instant of a session, or null for sessions from before it was recorded.</summary>
    public static DateTimeOffset? Of(ClaimsPrincipal? principal) =>
        long.TryParse(principal?.FindFirst(Claims.AuthenticationTime)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    private static Claim Claim(DateTimeOffset instant) =>
        new(Claims.AuthenticationTime, instant.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64);
}
