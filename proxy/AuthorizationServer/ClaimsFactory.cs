using System.Security.Claims;
using Facade.Proxy.Data;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Facade.Proxy.AuthorizationServer;

/// <summary>Builds the claims a user's tokens carry and decides which token each claim may go into.</summary>
public sealed class ClaimsFactory
{
    /// <summary>
    /// The user's security stamp when the grant was made. It has no destination, so it goes into no access or
    /// identity token, only into what the server alone reads back (authorization codes and refresh tokens).
    /// </summary>
    public const string SecurityStampClaim = "AspNet.Identity.SecurityStamp";

    /// <param name="user">Whose tokens.</param>
    /// <param name="scopes">The granted scopes.</param>
    /// <param name="authenticatedAt">When the user signed in (auth_time, for the ID token), when known.</param>
    public ClaimsPrincipal Create(FacadeUser user, IEnumerable<string> scopes, DateTimeOffset? authenticatedAt = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetScopes(scopes);
        if (authenticatedAt is { } signedIn)
        {
            identity.SetClaim(Claims.AuthenticationTime, signedIn.ToUnixTimeSeconds());
        }

        Refresh(identity, user);
        return new ClaimsPrincipal(identity);
    }

    /// <summary>Rewrites the user claims from the current user record (also on refresh, so renames and email changes flow).</summary>
    public void Refresh(ClaimsIdentity identity, FacadeUser user)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(user);
        identity.SetClaim(Claims.Subject, user.Id)
            .SetClaim(Claims.Name, user.DisplayName ?? user.UserName)
            .SetClaim(Claims.PreferredUsername, user.UserName)
            .SetClaim(Claims.Email, user.Email)
            .SetClaim(SecurityStampClaim, user.SecurityStamp);

        // The audience (canonical resource + indicated resources) is set at sign-in by ResourceIndicatorHandlers.
        identity.SetDestinations(claim => Destinations(claim, identity));
    }

    /// <summary>
    /// True while the grant in <paramref name="principal"/> was made under the user's current security stamp: a
    /// password change, a lock or a sign-out-everywhere changes the stamp and so ends every grant made before it.
    /// </summary>
    public static bool HasCurrentSecurityStamp(ClaimsPrincipal principal, FacadeUser user)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(user);
        var stamp = principal.GetClaim(SecurityStampClaim);
        return !string.IsNullOrEmpty(stamp) && string.Equals(stamp, user.SecurityStamp, StringComparison.Ordinal);
    }

    private static IEnumerable<string> Destinations(Claim claim, ClaimsIdentity identity)
    {
        switch (claim.Type)
        {
            case Claims.Subject:
                yield return OpenIddictConstants.Destinations.AccessToken;
                yield return OpenIddictConstants.Destinations.IdentityToken;
                yield break;

            case Claims.Name or Claims.PreferredUsername:
                yield return OpenIddictConstants.Destinations.AccessToken;
                if (identity.HasScope(Scopes.Profile))
                {
                    yield return OpenIddictConstants.Destinations.IdentityToken;
                }

                yield break;

            case Claims.Email:
                if (identity.HasScope(Scopes.Email))
                {
                    yield return OpenIddictConstants.Destinations.AccessToken;
                    yield return OpenIddictConstants.Destinations.IdentityToken;
                }

                yield break;

            // OIDC Core §2: when the user signed in; required in ID tokens when max_age was asked for, given always.
            case Claims.AuthenticationTime:
                yield return OpenIddictConstants.Destinations.IdentityToken;
                yield break;

            // Anything else, the security stamp included, goes into no token.
            default:
                yield break;
        }
    }
}
